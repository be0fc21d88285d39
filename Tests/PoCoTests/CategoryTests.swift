import Ethereum
import Testing

@testable import PoCo

@Suite("Categories (governance)")
struct CategoryTests {
    @Test func genesisHasIExecDefaults() {
        let bed = Testbed()
        #expect(bed.state.uint(.categoryCount) == 5)
        #expect(bed.state.category(0) == PoCo.Category(name: "XS", description: "{}", workClockTimeRef: 300))
        #expect(bed.state.category(4)?.workClockTimeRef == 36000)
    }

    @Test func onlyGovernanceCreates() throws {
        var bed = Testbed()
        bed.expectRevert(.notGovernance, .governance(.createCategory(name: "fast", description: "", workClockTimeRef: 5)),
                         from: Testbed.key(2).address)
        let receipt = try bed.call(.governance(.createCategory(name: "fast", description: "tests", workClockTimeRef: 5)),
                                   from: Testbed.governanceKey.address)
        #expect(receipt.output == .uint(5))
        #expect(receipt.logs.map(\.event) == [.createCategory(catid: 5, name: "fast", description: "tests", workClockTimeRef: 5)])
        #expect(receipt.logs[0].topics[0].hex == "0x62bf08360c9d561749c54eaf4f8bf8cb6c8b6f4f40607bcec39a8172e714d25c")
        #expect(bed.state.uint(.categoryCount) == 6)
    }
}
