import Chain
import Ethereum
import Foundation
import Ledger
import Logging
import Market
import ServiceLifecycle
import Storage

/// A chain node as `iexec node` and `iexec devnet` run it, over one data directory: the ledger
/// (`chain.sqlite`), the order book (`market.sqlite`) and the storage (`storage/`), served on one
/// port (JSON-RPC over HTTP and WebSocket, `/market`, `/storage`, `/info`, `/metrics`) with the
/// market's status tracker beside it.
public struct NodeStack: Sendable {
    /// The chain.
    public let node: ChainNode
    /// The services to run (`makeGroup(handlingSignals:)`, `run()`).
    public let services: NodeServices
    private let store: SQLiteChainStore
    private let book: SQLiteOrderBook

    /// The ledger file inside a data directory.
    public static func ledgerPath(in dataDir: String) -> String {
        URL(fileURLWithPath: dataDir).appendingPathComponent("chain.sqlite").path
    }

    /// The order book inside a data directory.
    public static func orderBookPath(in dataDir: String) -> String {
        URL(fileURLWithPath: dataDir).appendingPathComponent("market.sqlite").path
    }

    /// The storage's folder (blobs, temporary files, its key) inside a data directory.
    public static func storageDirectory(in dataDir: String) -> String {
        URL(fileURLWithPath: dataDir).appendingPathComponent("storage").path
    }

    /// Opens (or creates, from `genesis`) the node of `dataDir`.
    ///
    /// - Parameters:
    ///   - genesis: the chain to create when the ledger is empty; for a ledger that holds a chain it
    ///     must be that chain's genesis (nil resumes whatever is stored).
    ///   - storageKey: the key the storage signs its receipts with.
    ///   - onServerRunning: called once the server is bound, with the node and the port.
    public static func open(
        dataDir: String, genesis: Genesis?, configuration: NodeConfiguration, server: NodeServerConfiguration,
        synchronous: SQLiteChainStore.Synchronous = .normal, marketPolicy: MarketPolicy = MarketPolicy(),
        storageSizeLimit: UInt64 = 4 << 30, storageKey: PrivateKey, logger: Logger,
        onServerRunning: @escaping @Sendable (_ node: ChainNode, _ port: Int) async -> Void
    ) async throws -> NodeStack {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let store = try SQLiteChainStore(path: ledgerPath(in: dataDir), synchronous: synchronous)
        do {
            // A commit under way when SIGINT arrives finishes (GRDB would abort it on cancellation).
            let node = try await ChainNode.open(store: store, genesis: genesis, configuration: configuration)
            let book = try SQLiteOrderBook(path: orderBookPath(in: dataDir))
            let marketChain = ChainNodeMarketChain(node: node)
            let market = MarketService(book: book, chain: marketChain, policy: marketPolicy)
            let storageDir = storageDirectory(in: dataDir)
            try FileManager.default.createDirectory(atPath: storageDir, withIntermediateDirectories: true)
            let blobs = try FileBlobStore(root: URL(fileURLWithPath: storageDir), sizeLimit: storageSizeLimit)
            let front = NodeServer(node: node, rpc: ChainRPCService(node: node), configuration: server,
                                   routeGroups: [MarketRoutes(market: market), StorageRoutes(store: blobs, serverKey: storageKey)])
            let tracker = MarketTrackerService(tracker: MarketStatusTracker(book: book, chain: marketChain, policy: marketPolicy))
            let services = NodeServices(server: front, followers: [tracker], logger: logger) { await onServerRunning(node, $0) }
            return NodeStack(node: node, services: services, store: store, book: book)
        } catch {
            try? store.close()
            throw error
        }
    }

    /// Closes the order book and the ledger (after the services have stopped).
    public func close() {
        try? book.close()
        try? store.close()
    }
}
