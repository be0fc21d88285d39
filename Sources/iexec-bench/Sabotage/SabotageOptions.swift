import Foundation
import PoCo

/// A scheme the sabotage suite can run.
enum SabotageScheme: String, CaseIterable, Sendable {
    /// PoCo v5 on the real engine.
    case pocoV5 = "poco-v5"
    /// PoCo v5's rules as plain arithmetic (`PoCoModelLedger`): for exploring, not in the default run.
    case pocoV5Model = "poco-v5-model"
    case boincAdaptive = "boinc-adaptive"
    case vote2of2 = "vote-2of2"
    case vote2of3 = "vote-2of3"

    /// The schemes issue #3 asks for, run when `--scheme` is not given.
    static let standard: [SabotageScheme] = [.pocoV5, .boincAdaptive, .vote2of2, .vote2of3]
}

/// A bad command line for `iexec-bench sabotage`.
struct SabotageUsageError: Error, CustomStringConvertible {
    var description: String
}

/// `iexec-bench sabotage [--tasks N] [--seed N] [--workers N] [--trust T,…] [--lie-rate s,…]
/// [--liar-fraction f,…] [--collusion yes|no|both] [--scheme name,…] [--jobs N]`.
struct SabotageOptions: Sendable {
    var tasks = 100_000
    var seed: UInt64 = 1
    var workers = 100
    var trusts: [UInt64] = [100]
    var lieRates: [Double] = [1.0, 0.1, 0.01]
    var liarFractions: [Double] = [0.05, 0.2, 0.35]
    var collusion: [Bool] = [false, true]
    var schemes: [SabotageScheme] = SabotageScheme.standard
    /// Rows run at once (each on its own thread).
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    static let usage = """
        usage: iexec-bench sabotage [--tasks N] [--seed N] [--workers N] [--trust T[,T…]] [--lie-rate s[,s…]]
                                    [--liar-fraction f[,f…]] [--collusion yes|no|both] [--scheme name[,name…]]
                                    [--jobs N]
        schemes: \(SabotageScheme.allCases.map(\.rawValue).joined(separator: ", "))
        """

    init() {}

    init(arguments: [String]) throws(SabotageUsageError) {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw SabotageUsageError(description: "\(flag) needs a value\n\(Self.usage)") }
            switch flag {
            case "--tasks": tasks = try Self.integer(value, flag, minimum: 1, maximum: 100_000_000)
            case "--seed":
                guard let seed = UInt64(value) else { throw Self.bad(flag, value, "an unsigned 64-bit integer") }
                self.seed = seed
            case "--workers": workers = try Self.integer(value, flag, minimum: 3, maximum: 100_000)
            case "--trust":
                trusts = try Self.list(value, flag) { UInt64($0).flatMap { $0 >= 1 ? $0 : nil } }
            case "--lie-rate": lieRates = try Self.list(value, flag, parse: Self.probability)
            case "--liar-fraction": liarFractions = try Self.list(value, flag, parse: Self.probability)
            case "--collusion":
                switch value {
                case "yes": collusion = [true]
                case "no": collusion = [false]
                case "both": collusion = [false, true]
                default: throw Self.bad(flag, value, "yes, no or both")
                }
            case "--jobs": jobs = try Self.integer(value, flag, minimum: 1, maximum: 256)
            case "--scheme": schemes = try Self.list(value, flag) { SabotageScheme(rawValue: $0) }
            default: throw SabotageUsageError(description: "unknown option \(flag)\n\(Self.usage)")
            }
        }
    }

    private static func probability(_ text: String) -> Double? {
        Double(text).flatMap { $0 >= 0 && $0 <= 1 ? $0 : nil }
    }

    private static func integer(_ text: String, _ flag: String, minimum: Int, maximum: Int) throws(SabotageUsageError)
        -> Int {
        guard let value = Int(text), value >= minimum, value <= maximum else {
            throw bad(flag, text, "an integer in \(minimum)…\(maximum)")
        }
        return value
    }

    private static func list<T>(_ text: String, _ flag: String, parse: (String) -> T?) throws(SabotageUsageError) -> [T] {
        var values: [T] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = parse(String(item)) else { throw bad(flag, String(item), "a valid value") }
            values.append(value)
        }
        return values
    }

    private static func bad(_ flag: String, _ value: String, _ expected: String) -> SabotageUsageError {
        SabotageUsageError(description: "\(flag): '\(value)' is not \(expected)\n\(usage)")
    }
}
