import ArgumentParser

/// `iexec`: the command line of iexec-swift, modelled on iexec-sdk's verbs.
@main
struct Iexec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iexec",
        abstract: "iexec-swift: wallets, signed PoCo orders, and (soon) the node, scheduler and workers.",
        subcommands: [Wallet.self]
    )
}
