import ArgumentParser
import Foundation

/// `--raw`, shared by every command: one JSON object on stdout instead of text for people.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print exactly one JSON object (also on failure: {\"ok\":false,\"error\":…}).")
    var raw = false
}

/// What a command produced: the fields of its JSON object and a text for people.
struct CommandOutput {
    var fields: [String: Any]
    var text: String
}

/// A command that computes an output and lets the shared code print it or its error.
protocol IexecCommand: ParsableCommand {
    var output: OutputOptions { get }
    func execute() throws -> CommandOutput
}

extension IexecCommand {
    func run() throws {
        let result: CommandOutput
        do {
            result = try execute()
        } catch let error as ValidationError {
            throw error
        } catch {
            throw output.fail(error)
        }
        output.print(result)
    }
}

/// A command that talks to services (chain, market, storage): `execute()` is async; printing and
/// errors are the same as `IexecCommand`'s. Tests call `execute()` and read the fields.
protocol AsyncIexecCommand: AsyncParsableCommand {
    var output: OutputOptions { get }
    func execute() async throws -> CommandOutput
}

extension AsyncIexecCommand {
    func run() async throws {
        let result: CommandOutput
        do {
            result = try await execute()
        } catch let error as ValidationError {
            throw error
        } catch {
            throw output.fail(error)
        }
        output.print(result)
    }
}

extension OutputOptions {
    /// Prints the result: its JSON object with `"ok":true`, or its text.
    func print(_ result: CommandOutput) {
        if raw {
            var fields = result.fields
            fields["ok"] = true
            Swift.print(JSONText.object(fields))
        } else {
            Swift.print(result.text)
        }
    }

    /// Prints `error` (JSON with `--raw`, on stderr otherwise) and returns the exit code to throw.
    func fail(_ error: any Error) -> ExitCode {
        let message = String(describing: error)
        if raw {
            Swift.print(JSONText.object(["ok": false, "error": message]))
        } else {
            FileHandle.standardError.write(Data("iexec: error: \(message)\n".utf8))
        }
        return ExitCode.failure
    }
}

/// Stable JSON text: sorted keys, no escaped slashes.
enum JSONText {
    static func object(_ fields: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(
            withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{\"ok\":false,\"error\":\"internal error: output is not JSON\"}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// An error of the command line itself, with the message shown to the user.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
