import Chain
import Ethereum
import Foundation
import Ledger
import PoCo
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of a process writing the ledger: on restart the ledger is at a block at or after the
/// last one whose commit returned, and every acknowledged transaction is mined or still pending.
///
/// The writer is this test binary run again (`--filter` on ``writer()``), told where to write by
/// an environment variable; it reports `ack <hash>` once `sendRawTransactions` returned and
/// `block <n>` once a block's commit returned, written straight to the pipe (no buffering).
@Suite("SQLite ledger: a killed writer loses nothing acknowledged")
struct SQLiteCrashTests {
    static let variable = "IEXEC_LEDGER_CRASH_WRITER_PATH"
    static var writerPath: String? { ProcessInfo.processInfo.environment[variable] }

    /// The child: deposits from ten accounts, acknowledged in two batches per block, until killed
    /// (or a minute passed, so that a lost child does not run forever).
    @Test("(child process) the writer to kill", .enabled(if: writerPath != nil))
    func writer() async throws {
        let path = try #require(Self.writerPath)
        let node = try await openNode(try SQLiteChainStore(path: path))
        let out = FileHandle.standardOutput
        let deadline = ContinuousClock.now + .seconds(60)
        var nonce: UInt64 = 0
        while ContinuousClock.now < deadline {
            for _ in 0..<2 {
                let batch = (0..<10).map { key in
                    Dev.transaction(from: key, nonce: nonce, to: Dev.hub, value: 1, data: Dev.calldata("deposit()"))
                }
                nonce += 1
                for result in await node.sendRawTransactions(batch.map(\.rawBytes)) {
                    out.write(Data("ack \(try result.get().hex)\n".utf8))
                }
            }
            let block = try #require(try await node.seal())
            out.write(Data("block \(block.number)\n".utf8))
        }
    }

    @Test("after kill -9 the ledger opens at the last committed block with every acknowledged transaction", arguments: [3, 6])
    func killedWriter(blocksBeforeKill: Int) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--testing-library", "swift-testing", "--filter", "SQLiteCrashTests/writer"]
        process.environment = ProcessInfo.processInfo.environment.merging([Self.variable: path]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Read reports until enough blocks were committed, then kill without warning, mid-stream.
        let (acknowledged, lastBlock) = try await _Concurrency.Task.detached { () throws -> ([Hash32], UInt64) in
            var acknowledged: [Hash32] = []
            var lastBlock: UInt64 = 0
            var buffer = Data()
            let handle = pipe.fileHandleForReading
            // Killed at an acknowledgement after the block: those transactions are pending, not yet mined.
            var acknowledgedAfterBlock = false
            while !acknowledgedAfterBlock {
                let chunk = handle.availableData
                guard !chunk.isEmpty else { break }
                buffer += chunk
                while let newline = buffer.firstIndex(of: 0x0a) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    if line.hasPrefix("ack ") {
                        acknowledged.append(try Hash32(hex: String(line.dropFirst(4))))
                        acknowledgedAfterBlock = lastBlock >= UInt64(blocksBeforeKill)
                        if acknowledgedAfterBlock { break }
                    }
                    if line.hasPrefix("block "), let number = UInt64(line.dropFirst(6)) { lastBlock = number }
                }
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return (acknowledged, lastBlock)
        }.value
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        #expect(lastBlock == UInt64(blocksBeforeKill))
        #expect(acknowledged.count > blocksBeforeKill * 20)

        let store = try SQLiteChainStore(path: path)
        let snapshot = try #require(try await store.load())
        #expect(snapshot.head.number >= lastBlock)
        let pending = Set(try snapshot.pending.map { try SignedTransaction(raw: $0).hash })
        for hash in acknowledged {
            let mined = try await store.transaction(hash: hash) != nil
            let stillPending = pending.contains(hash)
            // Exactly one of the two.
            #expect(mined != stillPending)
        }
        // The node resumes (its state root check passes) and mines what was left pending.
        let node = try await openNode(store)
        if !pending.isEmpty {
            let block = try #require(try await node.seal())
            #expect(Set(block.transactionHashes) == pending)
        }
        #expect(try await store.load()?.pending == [])
    }
}
