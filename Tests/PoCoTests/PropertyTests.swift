import Ethereum
import Foundation
import Testing

@testable import PoCo

/// Random valid and invalid calls from many actors (`PropertyDriver`): conservation after every
/// call, reverts change nothing, and a seed reproduces its final state. The soak runs a million
/// operations: `swift run -c release iexec-bench soak`.
@Suite("PoCo randomized properties")
struct PropertyTests {
    static let operations = 3_000

    @Test func fixedSeedHoldsEveryInvariantAndReplays() {
        var first = PropertyDriver(seed: 7)
        let report = first.run(operations: Self.operations)
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5))")
        var second = PropertyDriver(seed: 7)
        #expect(second.run(operations: Self.operations) == report)
        var other = PropertyDriver(seed: 8)
        #expect(other.run(operations: Self.operations).digest != report.digest)
        // The run reached the whole lifecycle, and refused plenty.
        #expect(report.dealsMatched > 20)
        #expect(report.tasksCompleted > 5)
        #expect(report.tasksClaimed > 0)
        #expect(report.reverted > 100 && report.succeeded > 1000)
        #expect(report.revertReasons.count > 8)
    }

    @Test func freshSeedHoldsEveryInvariant() {
        let seed = UInt64.random(in: .min ... .max)
        var driver = PropertyDriver(seed: seed)
        let report = driver.run(operations: Self.operations)
        #expect(report.violations.isEmpty, "seed \(seed): \(report.violations.prefix(5))")
    }
}
