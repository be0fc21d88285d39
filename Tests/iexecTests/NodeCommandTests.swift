import ArgumentParser
import Chain
import Ethereum
import Foundation
import GRDB
import Ledger
import PoCo
import Testing

@testable import iexec

@Suite("iexec node, iexec node verify")
struct NodeCommandTests {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("iexec-node-tests-\(UUID().uuidString)").path

    /// The message ArgumentParser shows for a refused command line.
    private func refusal(_ arguments: [String]) -> String? {
        do {
            _ = try Node.Run.parse(arguments)
            return nil
        } catch {
            return Node.Run.message(for: error)
        }
    }

    @Test("bad flags are refused naming the flag")
    func argumentValidation() throws {
        #expect(refusal(["--data-dir", directory, "--port", "70000"])?.contains("--port must be between 0 and 65535, not 70000") == true)
        #expect(refusal(["--data-dir", directory, "--dev", "--genesis", "g.json"])?.contains("--dev and --genesis exclude each other") == true)
        #expect(refusal(["--data-dir", directory, "--chain-id", "0"])?.contains("--chain-id must be positive") == true)
        #expect(refusal(["--data-dir", directory, "--block-time", "-5"]) != nil)
        #expect(refusal(["--data-dir", directory, "--sync", "sometimes"])?.contains("sometimes") == true)
        #expect(refusal(["--port", "8545"])?.contains("--data-dir") == true)
        #expect(refusal(["--data-dir", directory]) == nil)
    }

    @Test("a genesis from flags: --governance, --fund ADDRESS=RLC (repeatable), --chain-id")
    func genesisFromFlags() throws {
        let governor = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", funded = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
        let genesis = try #require(try Node.Run.parse([
            "--data-dir", directory, "--governance", governor, "--fund", "\(funded)=250", "--fund", "\(governor)=1",
            "--chain-id", "777",
        ]).requestedGenesis())
        #expect(genesis.chainId == 777)
        #expect(genesis.governance == (try Address(hex: governor)))
        #expect(genesis.categories == Category.defaults)
        let weiPerRLC = UInt256(1_000_000_000_000_000_000 as UInt64)
        #expect(genesis.accounts == [
            GenesisAccount(address: try Address(hex: funded), balance: UInt256(250) * weiPerRLC),
            GenesisAccount(address: try Address(hex: governor), balance: weiPerRLC),
        ])
        #expect(refusal(["--data-dir", directory, "--fund", "\(funded)=1"])?.contains("--fund needs --governance") == true)
        #expect(refusal(["--data-dir", directory, "--governance", "0x12"])?.contains("--governance 0x12 is not an address") == true)
        #expect(refusal(["--data-dir", directory, "--governance", governor, "--fund", "\(funded)=lots"])?
            .contains("lots is not a whole number of RLC") == true)
        #expect(refusal(["--data-dir", directory, "--governance", governor, "--dev"])?.contains("excludes --dev") == true)
    }

    @Test("the genesis follows the flags: --dev (31337 or --chain-id), --genesis FILE, or none to resume")
    func genesisChoice() throws {
        let dev = try #require(try Node.Run.parse(["--data-dir", directory, "--dev"]).requestedGenesis())
        #expect(dev == Genesis.dev())
        let renumbered = try #require(try Node.Run.parse(["--data-dir", directory, "--dev", "--chain-id", "65535"]).requestedGenesis())
        #expect(renumbered.chainId == 65_535)
        #expect(renumbered.accounts == Genesis.dev().accounts)
        #expect(try Node.Run.parse(["--data-dir", directory]).requestedGenesis() == nil)

        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/genesis.json"
        var custom = Genesis.dev()
        custom.chainId = 777
        try custom.json.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Node.Run.parse(["--data-dir", directory, "--genesis", file]).requestedGenesis() == custom)
        let missing = #expect(throws: CLIError.self) {
            try Node.Run.parse(["--data-dir", directory, "--genesis", directory + "/nope.json"]).requestedGenesis()
        }
        #expect(missing?.description.hasPrefix("--genesis \(directory)/nope.json:") == true)
    }

    /// Writes a dev chain of three blocks of two transfers each into `directory`'s ledger.
    private func writeChain() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteChainStore(path: Node.ledgerPath(in: directory))
        let node = try await ChainNode.open(store: store, genesis: Genesis.dev(), configuration: NodeConfiguration(dev: true))
        let keys = try HDWallet.devAccounts()
        for round in 0..<3 as Range<UInt64> {
            let transfers = (1...2).map { sender in
                EIP1559Transaction(chainId: Genesis.devChainId, nonce: round, maxPriorityFeePerGas: .zero, maxFeePerGas: .zero,
                                   gasLimit: 21_000, to: keys[9].address, value: UInt256(round + 1), data: [])
                    .sign(with: keys[sender]).rawBytes
            }
            for result in await node.sendRawTransactions(transfers) { _ = try result.get() }
            try await node.seal()
        }
        try store.close()
    }

    @Test("node verify replays a ledger written by a node and reports blocks and transactions")
    func verifyLedger() async throws {
        try await writeChain()
        let report = try await Node.Verify.parse(["--data-dir", directory]).verify()
        #expect(report.verified)
        #expect(report.head == 3)
        #expect(report.blocksChecked == 4)
        #expect(report.transactionsChecked == 6)
        let output = Node.Verify.output(for: report)
        #expect(output.fields["transactions"] as? Int == 6)
        #expect(output.text.hasPrefix("verified 4 blocks (0…3) and 6 transactions"))
    }

    @Test("node verify on a folder without a ledger says so and creates nothing")
    func verifyWithoutLedger() async throws {
        let error = await #expect(throws: CLIError.self) {
            try await Node.Verify.parse(["--data-dir", directory]).verify()
        }
        #expect(error?.description.contains("no ledger at \(directory)/chain.sqlite") == true)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("the iexec binary runs a dev node, prints one JSON line on start, stops on SIGTERM, and the ledger verifies")
    func runStopVerify() throws {
        try #require(FileManager.default.isExecutableFile(atPath: RawOutputTests.executable.path), "build iexec first")
        let process = Process()
        process.executableURL = RawOutputTests.executable
        process.arguments = ["node", "--dev", "--data-dir", directory, "--port", "0", "--raw"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any],
                                  "no start line: \(String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))")
        #expect(object["ok"] as? Bool == true)
        #expect(object["chainId"] as? Int == 31_337)
        #expect(object["hub"] as? String == Genesis.defaultHub.checksummed)
        #expect((object["http"] as? String)?.hasPrefix("http://127.0.0.1:") == true)
        #expect((object["ws"] as? String)?.hasPrefix("ws://127.0.0.1:") == true)
        let accounts = try #require(object["devAccounts"] as? [[String: String]])
        #expect(accounts.count == 10)
        #expect(accounts.first?["address"] == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")

        process.terminate()  // SIGTERM: graceful shutdown
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(output.fileHandleForReading.readDataToEndOfFile().isEmpty)

        let verify = try RawOutputTests.run(["node", "verify", "--data-dir", directory, "--raw"])
        #expect(verify.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        #expect(report["ok"] as? Bool == true)
        #expect(report["blocks"] as? Int == 1)
    }

    @Test("a data directory is locked while a node runs on it: a second node is refused")
    func dataDirectoryLock() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var first: DataDirectoryLock? = try DataDirectoryLock(directory: directory)
        let refused = #expect(throws: CLIError.self) { try DataDirectoryLock(directory: directory) }
        #expect(refused?.description.hasPrefix("another iexec node is running on \(directory)") == true)
        #expect(first != nil)
        first = nil
        #expect(throws: Never.self) { _ = try DataDirectoryLock(directory: directory) }
    }

    @Test("node verify on a tampered ledger exits 1 naming the block and the field, in text and --raw")
    func verifyTamperedLedger() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: RawOutputTests.executable.path), "build iexec first")
        try await writeChain()
        let impostor = try HDWallet.devAccounts()[8].address
        let database = try DatabaseQueue(path: Node.ledgerPath(in: directory))
        try await database.write { db in
            try db.execute(sql: "UPDATE transactions SET sender = ? WHERE block_number = 2 AND tx_index = 0",
                           arguments: [Data(impostor.bytes)])
        }
        try database.close()

        let raw = try RawOutputTests.run(["node", "verify", "--data-dir", directory, "--raw"])
        #expect(raw.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == false)
        #expect(object["blocks"] as? Int == 2)
        let mismatch = try #require(object["mismatch"] as? [String: Any])
        #expect(mismatch["block"] as? Int == 2)
        #expect(mismatch["field"] as? String == "sender of transaction 0")
        #expect(mismatch["stored"] as? String == impostor.checksummed)

        let text = try RawOutputTests.run(["node", "verify", "--data-dir", directory])
        #expect(text.status == 1)
        #expect(text.stdout.isEmpty)
        #expect(text.stderr.hasPrefix("iexec: error: mismatch: block 2: sender of transaction 0 is \(impostor.checksummed) in the ledger"))
    }
}
