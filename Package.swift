// swift-tools-version:6.1
import PackageDescription

/// Settings every target shares: Swift 6 strict concurrency is the language mode's default;
/// `ExistentialAny` makes every existential spelled `any P`.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "iexec-swift",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Ethereum", targets: ["Ethereum"]),
        .library(name: "PoCo", targets: ["PoCo"]),
        .library(name: "Chain", targets: ["Chain"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "ClassAd", targets: ["ClassAd"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Market", targets: ["Market"]),
        .library(name: "Client", targets: ["Client"]),
        .library(name: "Server", targets: ["Server"]),
        .library(name: "Scheduler", targets: ["Scheduler"]),
        .library(name: "Worker", targets: ["Worker"]),
        .library(name: "Devnet", targets: ["Devnet"]),
        .executable(name: "iexec", targets: ["iexec"]),
        .executable(name: "iexec-bench", targets: ["iexec-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swiftwasm/WasmKit.git", from: "0.4.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .target(
            name: "Ethereum",
            dependencies: [
                "CSecp256k1",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The PoCo state machine: pure and deterministic (no clock, randomness, I/O or global state).
        .target(
            name: "PoCo",
            dependencies: ["Ethereum"],
            swiftSettings: strictSettings
        ),
        // The chain node's transport-free parts: mempool, block execution and sealing, the ledger
        // protocol, the ABI binding of PoCo (calldata ↔ engine calls), JSON-RPC methods.
        .target(
            name: "Chain",
            dependencies: ["Ethereum", "PoCo", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strictSettings
        ),
        // The ClassAd language (HTCondor's matchmaking): parser, evaluator, matching, diagnostics. No I/O.
        .target(
            name: "ClassAd",
            swiftSettings: strictSettings
        ),
        // Content-addressed blob storage: ids (CIDv1, chunked roots), the filesystem store, verified transfer.
        .target(
            name: "Storage",
            dependencies: ["Ethereum", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The ledger on SQLite (GRDB, WAL): blocks, transactions, receipts, indexed logs, state,
        // pending transactions; one database transaction per block.
        .target(
            name: "Ledger",
            dependencies: ["Ethereum", "PoCo", "Chain", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // The order book: signed orders validated against the chain, kept in SQLite, status from
        // the chain's logs, matching advice.
        .target(
            name: "Market",
            dependencies: ["Ethereum", "PoCo", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // Typed HTTP clients of the node's services: JSON-RPC (PoCo calls and views, heads over
        // WebSocket), market, storage (verified download, resume), the scheduler's worker API.
        .target(
            name: "Client",
            dependencies: [
                "Ethereum", "PoCo", "Chain", "Storage", "Market",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: strictSettings
        ),
        // The workerpool manager: deal watcher, task and replicate state machines in SQLite,
        // consensus prediction, ClassAd assignment, deadlines and recovery, order keeping.
        .target(
            name: "Scheduler",
            dependencies: [
                "Ethereum", "PoCo", "ClassAd", "Client", "Market",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The worker agent and its executors: Wasm (WasmKit + WASI) and native (bubblewrap),
        // result packaging and digest, the local store of in-flight replicates.
        .target(
            name: "Worker",
            dependencies: [
                "Ethereum", "PoCo", "ClassAd", "Client", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
            ],
            swiftSettings: strictSettings
        ),
        // Hummingbird composition: JSON-RPC over HTTP and WebSocket, market, storage, the scheduler's
        // worker API, /info, /metrics.
        .target(
            name: "Server",
            dependencies: [
                "Ethereum", "PoCo", "Chain", "Ledger", "Market", "Storage", "Scheduler",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The embedded devnet: node, market, storage, scheduler and workers in one process.
        .target(
            name: "Devnet",
            dependencies: [
                "Ethereum", "PoCo", "Chain", "Ledger", "Market", "Storage", "Client", "Scheduler", "Worker", "Server",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "iexec",
            dependencies: [
                "Ethereum", "PoCo", "Chain", "Ledger", "Server", "ClassAd", "Market", "Storage", "Client",
                "Scheduler", "Worker", "Devnet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "iexec-bench",
            dependencies: [
                "Ethereum", "PoCo", "Chain", "Ledger", "Server", "ClassAd", "CSecp256k1", "Market", "Storage",
                "Client", "Devnet", "Worker",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        // Reads test cases generated by Tests/Interop/interop.py and answers with our results.
        .executableTarget(
            name: "interop-check",
            dependencies: ["Ethereum"],
            path: "Tests/Interop/Checker",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EthereumTests",
            dependencies: ["Ethereum", .product(name: "BigInt", package: "BigInt")],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PoCoTests",
            dependencies: ["PoCo", "Ethereum"],
            swiftSettings: strictSettings
        ),
        // What the chain's test targets share: dev keys and transactions, an observed in-memory ledger.
        .target(
            name: "ChainTestSupport",
            dependencies: ["Chain", "PoCo", "Ethereum"],
            path: "Tests/ChainTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ChainTests",
            dependencies: ["Chain", "PoCo", "Ethereum", "ChainTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Ledger", "Chain", "PoCo", "Ethereum", "ChainTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ClassAdTests",
            dependencies: ["ClassAd"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "Ethereum"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MarketTests",
            dependencies: ["Market", "PoCo", "Ethereum", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ClientTests",
            dependencies: [
                "Client", "Server", "Market", "Storage", "Chain", "Ledger", "Ethereum", "PoCo", "ChainTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Chain", "Ledger", "Ethereum", "PoCo", "ChainTestSupport", "Market", "Storage",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: [
                "Scheduler", "Client", "ClassAd", "Market", "Ethereum", "PoCo", "ChainTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "Worker", "Client", "ClassAd", "Storage", "Ethereum", "PoCo",
                .product(name: "WAT", package: "WasmKit"),
            ],
            swiftSettings: strictSettings
        ),
        // The whole system over loopback HTTP: a node, a scheduler and workers, each a real service.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Server", "Scheduler", "Worker", "Client", "Chain", "Ledger", "Market", "Storage", "Ethereum", "PoCo",
                "ChainTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DevnetTests",
            dependencies: ["Devnet", "Client", "Chain", "Ethereum", "PoCo", "Worker", "Storage",
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "iexecTests",
            dependencies: [
                "iexec", "Ethereum", "PoCo", "Chain", "Ledger", "ClassAd", "Client", "Server", "Market", "Storage", "Devnet",
                "Worker",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
