import Foundation

/// `iexec-bench <suite>`: runs one benchmark suite in this (release) build and prints its table,
/// then one JSON object per result. Suites: chain (--senders --per-sender --batch), classad, crypto,
/// e2e (--tasks --workers --slots --deal-size --samples), poco, sabotage (--help),
/// soak (--ops N --seed S), storage (--size-mib N).
let arguments = CommandLine.arguments.dropFirst()
let suites: [String: () async throws -> [BenchResult]] = [
    "chain": { try await ChainSuite(arguments: Array(arguments.dropFirst())).run() },
    "classad": { try ClassAdSuite().run() },
    "crypto": { try CryptoSuite().run() },
    "e2e": { try await E2ESuite(arguments: Array(arguments.dropFirst())).run() },
    "poco": { try PoCoSuite().run() },
    "sabotage": { try SabotageSuite(arguments: Array(arguments.dropFirst())).run() },
    "soak": { try SoakSuite().run() },
    "storage": { try await StorageSuite(arguments: Array(arguments.dropFirst())).run() },
]
guard let name = arguments.first, let suite = suites[name] else {
    let known = suites.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: iexec-bench <suite>   (suites: \(known))\n".utf8))
    exit(2)
}
#if DEBUG
FileHandle.standardError.write(Data("warning: debug build; benchmark figures need `swift run -c release iexec-bench`\n".utf8))
#endif
/// Suites whose rows do not fit the generic table print their own.
let printsOwnTable: Set<String> = ["sabotage"]
do {
    report(try await suite(), table: !printsOwnTable.contains(name))
} catch {
    FileHandle.standardError.write(Data("iexec-bench: \(error)\n".utf8))
    exit(1)
}
