import ArgumentParser
import ClassAd
import Foundation

/// `iexec classad eval` and `iexec classad match`: the matchmaking language for people and scripts.
struct ClassAdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classad",
        abstract: "Evaluate ClassAd expressions and match a job against machines, saying why nothing matched.",
        subcommands: [Eval.self, Match.self]
    )

    /// The text of a file, or an error naming it.
    static func read(_ path: String, option: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError("\(option) \(path): cannot read it (\(error.localizedDescription))")
        }
    }

    /// The ads in a file (one ad, a list `{ [..], [..] }`, or ads one after another).
    static func ads(in path: String, option: String) throws -> [ClassAd] {
        let text = try read(path, option: option)
        do { return try ClassAd.parseList(text) } catch { throw CLIError("\(option) \(path): \(error)") }
    }

    /// A JSON text made by the ClassAd module, as a value for the command's JSON object.
    static func jsonObject(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? NSNull()
    }

    struct Eval: IexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate an expression (MY is --ad's ad when given) and print its value.")

        @Argument(help: "The expression, e.g. 'Memory >= 2048 && member(\"wasm\", Runtimes)'.")
        var expression: String
        @Option(help: "A file holding one ad: the expression's MY scope.")
        var ad: String?
        @OptionGroup var output: OutputOptions

        func execute() throws -> CommandOutput {
            var scope: ClassAd?
            if let ad {
                let ads = try ClassAdCommand.ads(in: ad, option: "--ad")
                guard ads.count == 1, let only = ads.first else {
                    throw CLIError("--ad \(ad): expected one ad, found \(ads.count)")
                }
                scope = only
            }
            let value: Value
            do { value = try ClassAd.eval(expression, ad: scope) } catch { throw CLIError("expression: \(error)") }
            var fields: [String: Any] = [:]
            if let object = ClassAdCommand.jsonObject(value.json) as? [String: Any] { fields = object }
            return CommandOutput(fields: fields, text: value.description)
        }
    }

    struct Match: IexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match a job ad against machine ads: per machine, match and rank; --explain says why not.")

        @Option(help: "A file holding the job's ad.")
        var job: String
        @Option(help: "A file holding the machines' ads (a list { [..], [..] } or ads one after another).")
        var machines: String
        @Flag(help: "Also print which clauses of the Requirements rejected how many machines.")
        var explain = false
        @OptionGroup var output: OutputOptions

        func execute() throws -> CommandOutput {
            let jobs = try ClassAdCommand.ads(in: job, option: "--job")
            guard jobs.count == 1, let jobAd = jobs.first else {
                throw CLIError("--job \(job): expected one ad, found \(jobs.count)")
            }
            let pool = try ClassAdCommand.ads(in: machines, option: "--machines")
            let results = Matchmaker.matches(job: jobAd, machines: pool)
            var fields: [String: Any] = ["matches": results.map { ClassAdCommand.jsonObject($0.json) }]
            var lines = results.map { result in
                "machine \(result.index): " + (result.matches ? "matches, rank \(result.rank)" : "no match")
            }
            lines.append("\(results.filter(\.matches).count) of \(pool.count) machines match")
            if explain {
                let explanation = Matchmaker.explain(job: jobAd, machines: pool)
                fields["explain"] = ClassAdCommand.jsonObject(explanation.json)
                lines.append("")
                lines.append(explanation.text)
            }
            return CommandOutput(fields: fields, text: lines.joined(separator: "\n"))
        }
    }
}
