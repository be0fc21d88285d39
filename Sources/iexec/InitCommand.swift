import ArgumentParser
import Foundation

/// `iexec init`: the project's iexec.json and chain.json, as iexec-sdk's `iexec init` writes them.
struct InitCommand: IexecCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create iexec.json and chain.json in the project folder (existing files are kept).")

    @Option(help: "The node's URL written as the default chain's host.")
    var host: String = ChainEntry.local.host
    @Option(help: "The default chain's name.")
    var chainName: String = ChainEntry.local.name
    @Option(help: "Folder to write the files in (default: the working directory).")
    var project: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard let url = URL(string: host), ["http", "https"].contains(url.scheme ?? "") else {
            throw ValidationError("--host must be an http(s) URL, e.g. http://127.0.0.1:8545")
        }
    }

    func execute() throws -> CommandOutput {
        let files = ProjectFiles(directory: project)
        try FileManager.default.createDirectory(at: files.directory, withIntermediateDirectories: true)
        var created: [String] = []
        if try files.read("iexec.json") == nil {
            try files.write("iexec.json", ["description": "My iExec project", "license": "MIT"])
            created.append("iexec.json")
        }
        if try files.read("chain.json") == nil {
            try files.write("chain.json", ["default": chainName, "chains": [chainName: ["host": host]]])
            created.append("chain.json")
        }
        let kept = ["iexec.json", "chain.json"].filter { !created.contains($0) }
        var lines = created.map { "created \(files.url($0).path)" }
        lines += kept.map { "kept    \(files.url($0).path) (already there)" }
        lines.append("Next: `iexec wallet create` (or import), then `iexec app init`.")
        return CommandOutput(fields: ["created": created, "kept": kept, "directory": files.directory.path],
                             text: lines.joined(separator: "\n"))
    }
}
