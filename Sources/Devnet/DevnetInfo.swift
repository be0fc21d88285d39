import Ethereum
import Foundation

/// Where a running devnet answers and what it holds: what `iexec devnet` prints.
public struct DevnetInfo: Sendable {
    /// The node's JSON-RPC URL (HTTP; WebSocket on the same port), also serving `/market` and `/storage`.
    public var nodeURL: String
    /// The scheduler's root URL (`/scheduler/…`).
    public var schedulerURL: String
    /// The chain id and the PoCo hub.
    public var chainId: UInt64
    public var hub: Address
    /// The accounts and their roles.
    public var accounts: DevnetAccounts
    /// The workerpool and the sample apps.
    public var state: DevnetState
    /// The workers' addresses, in order, and how each behaves.
    public var workers: [(address: Address, behaviour: String)]
    /// The data directory.
    public var dataDirectory: URL

    /// The fields of `--raw` output.
    public var fields: [String: Any] {
        [
            "node": nodeURL, "ws": nodeURL.replacingOccurrences(of: "http://", with: "ws://"),
            "market": nodeURL + "/market", "storage": nodeURL + "/storage", "scheduler": schedulerURL + "/scheduler",
            "chainId": chainId, "hub": hub.checksummed, "workerpool": state.workerpool.checksummed,
            "apps": state.apps.map { ["name": $0.name, "address": $0.address.checksummed, "type": $0.type] },
            "accounts": [
                "user": account(accounts.user), "appOwner": account(accounts.appOwner),
                "workerpoolOwner": account(accounts.workerpoolOwner),
            ],
            "workers": workers.map { ["address": $0.address.checksummed, "behaviour": $0.behaviour] },
            "dataDir": dataDirectory.path,
        ]
    }

    private func account(_ key: PrivateKey) -> [String: String] {
        ["address": key.address.checksummed, "privateKey": Hex.encode(key.bytes, prefix: true)]
    }

    /// The text for people.
    public var text: String {
        var lines = [
            "iexec devnet: chain \(chainId), hub \(hub.checksummed), data in \(dataDirectory.path)",
            "JSON-RPC (HTTP)      \(nodeURL)",
            "JSON-RPC (WebSocket) \(nodeURL.replacingOccurrences(of: "http://", with: "ws://"))",
            "market               \(nodeURL)/market",
            "storage              \(nodeURL)/storage",
            "scheduler            \(schedulerURL)/scheduler  (status: \(schedulerURL)/scheduler/status)",
            "workerpool           \(state.workerpool.checksummed)  (orders kept published)",
        ]
        for app in state.apps {
            lines.append("app \(app.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(app.address.checksummed)  (\(app.type), order published)")
        }
        lines.append("accounts (development mnemonic \"\(HDWallet.devMnemonic)\"; never use them elsewhere):")
        lines.append("  you (requester, governance) \(accounts.user.address.checksummed)  key \(Hex.encode(accounts.user.bytes, prefix: true))")
        lines.append("  app owner                   \(accounts.appOwner.address.checksummed)")
        lines.append("  workerpool owner            \(accounts.workerpoolOwner.address.checksummed)")
        for (index, worker) in workers.enumerated() {
            lines.append("  worker \(index)\(worker.behaviour == "none" ? "" : " (\(worker.behaviour))")".padding(toLength: 30, withPad: " ", startingAt: 0)
                         + worker.address.checksummed)
        }
        lines.append("Try: iexec wallet import \(Hex.encode(accounts.user.bytes, prefix: true)) --password devnet --light")
        let example = state.apps.first { $0.name == "pi" } ?? state.apps.first
        lines.append("     iexec account deposit 1 RLC --password devnet; iexec app run \(example?.address.checksummed ?? "APP") --watch --password devnet")
        lines.append("Stop with Ctrl-C (SIGINT) or SIGTERM.")
        return lines.joined(separator: "\n")
    }
}
