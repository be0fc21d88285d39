import Client
import ClassAd
import Ethereum
import PoCo

/// A logged-in worker as the scheduler knows it.
struct WorkerEntry: Sendable {
    /// Its address (proven at login).
    var address: Address
    /// What it said about itself.
    var description: WorkerDescription
    /// Its parsed ClassAd.
    var ad: ClassAd
    /// Its PoCo score, read from the chain at login and after each task it took part in.
    var score: UInt64
    /// Wall-clock seconds of its last call.
    var lastSeen: Double
    /// When it last asked for work.
    var lastAsked: Double?
    /// Counted lost (silent too long) until it calls again.
    var isLost: Bool = false

    /// Its consensus weight.
    var weight: UInt64 { ConsensusPrediction.weight(score: score) }
}

/// The workers logged in, by address, and their bearer tokens. In memory only: after a
/// scheduler restart workers log in again (their tokens are refused with 401).
struct WorkerRoster: Sendable {
    private(set) var workers: [Address: WorkerEntry] = [:]
    private var tokens: [String: Address] = [:]
    private var tokenOf: [Address: String] = [:]

    /// Registers (or re-registers) a worker under a fresh token; the old token stops working.
    mutating func login(_ entry: WorkerEntry) -> String {
        var random = SystemRandomNumberGenerator()
        let token = Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) })
        if let old = tokenOf[entry.address] { tokens[old] = nil }
        tokens[token] = entry.address
        tokenOf[entry.address] = token
        workers[entry.address] = entry
        return token
    }

    /// The worker holding `token`, marked seen now.
    mutating func authenticate(_ token: String, now: Double) throws(SchedulerError) -> Address {
        guard let address = tokens[token], workers[address] != nil else {
            throw .unauthorized("unknown or expired session token; log in again")
        }
        workers[address]?.lastSeen = now
        workers[address]?.isLost = false
        return address
    }

    subscript(address: Address) -> WorkerEntry? {
        get { workers[address] }
        set { workers[address] = newValue }
    }

    /// Marks lost every worker silent for more than `lostAfter` seconds; returns those newly lost.
    mutating func sweep(now: Double, lostAfter: Double) -> [Address] {
        var lost: [Address] = []
        for (address, entry) in workers where !entry.isLost && now - entry.lastSeen > lostAfter {
            workers[address]?.isLost = true
            lost.append(address)
        }
        return lost
    }

    /// Workers alive that asked for work within `window` seconds: those ready to take a replicate now.
    func idle(now: Double, window: Double) -> [WorkerEntry] {
        workers.values.filter { entry in
            guard !entry.isLost, let asked = entry.lastAsked else { return false }
            return now - asked <= window
        }
    }

    /// Workers not counted lost.
    var aliveCount: Int { workers.values.count(where: { !$0.isLost }) }
}
