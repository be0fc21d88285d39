import Ethereum
import Testing

@testable import PoCo

/// The id formulas against vectors.json (ids and lifecycle sections, via the Ethereum tests' copy).
@Suite("PoCo identifiers")
struct IdentifierTests {
    @Test func againstVectors() throws {
        let deal = try Hash32(hex: "0xa0b0fd396b0f79f14e4d6b34af7180bd9e80e2d86afda91c6127c5c17a268e66")
        #expect(PoCoIds.taskId(dealid: deal, index: 0).hex == "0xe06c86d6bb750dbd9be9e002482854b3b3f21550dbe37236767b9cac29e3ce28")
        let request = try Hash32(hex: "0x03f960f8c4153017ca091fe3eb5169a51af3b7b2eae9b85a72e1af9ed2493b45")
        let deal7 = PoCoIds.dealId(requestHash: request, consumed: 7)
        #expect(deal7.hex == "0x19a9bfd2e252e93189960d09f9824df918c94b4c9673a972dbf132996aeb68d2")
        #expect(PoCoIds.taskId(dealid: deal7, index: 8).hex == "0x016d21b8a89a5524a62af488b872bb85ade846d7bfeb39c5319f0138e882561a")
        let worker = try Address(hex: "0x748e091bf16048cb5103E0E10F9D5a8b7fBDd860")
        let task = try Hash32(hex: "0xd94b63fc2d3ec4b96daf84b403bbafdc8c8517e8e2addd51fec0fa4e67801be8")
        let digest = try Hash32(hex: "0xfe6eba7362b3bfd89cf18283c992d58fe4b59d1b22a63b41be763297b165229a")
        #expect(PoCoIds.resultHash(taskid: task, resultDigest: digest).hex
            == "0x5b6a3234f07fba85f9b6163c2be3321a653daf1998a58f5f18ebc7b040df98de")
        #expect(PoCoIds.resultSeal(worker: worker, taskid: task, resultDigest: digest).hex
            == "0x348c342b694841ba2dba579fc0a150bae575b091b380ff50d39eeff97c226123")
        #expect(PoCoIds.authorizationHash(worker: worker, taskid: task,
                                          enclaveChallenge: try Address(hex: "0x9a43BB008b7A657e1936ebf5d8e28e5c5E021596")).hex
            == "0x54a76d209e8167e1ffa3bde8e3e7b30068423ca9554e1d605d8ee8fd0f165562")
    }
}
