import ArgumentParser

/// `iexec`: the command line of iexec-swift, modelled on iexec-sdk's verbs.
@main
struct Iexec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iexec",
        abstract: "iexec-swift: wallets, accounts, assets, orders, deals and tasks on an iExec chain; the node, scheduler, worker and devnet.",
        subcommands: [InitCommand.self, Wallet.self, AccountCommand.self, AppCommand.self, DatasetCommand.self,
                      WorkerpoolCommand.self, Order.self, Orderbook.self, Deal.self, TaskCommand.self, CategoryCommand.self,
                      InfoCommand.self, Node.self, SchedulerCommand.self, WorkerCommand.self, DevnetCommand.self,
                      StorageCommand.self, ClassAdCommand.self]
    )

    /// Like ArgumentParser's `main()`, except that with `--raw` a usage error is also one JSON object,
    /// so scripts reading `--raw` output never have to parse text.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            exit(withError: code)
        } catch {
            let status = exitCode(for: error)
            if arguments.contains("--raw"), status != .success {
                let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                print(JSONText.object(["ok": false, "error": message.replacingOccurrences(of: "Error: ", with: "")]))
                exit(withError: status)
            }
            exit(withError: error)
        }
    }
}
