import Client
import Foundation
import Testing

/// `DealParams.json`: what a request order carries reads back to the same params.
@Suite("DealParams JSON")
struct DealParamsJSONTests {
    @Test(arguments: [
        DealParams(),
        DealParams(args: ["100000", "7"]),
        DealParams(args: ["a b", "it's", "\"q\"", "back\\slash", ""], inputFiles: ["https://example.org/a.txt"]),
        DealParams(args: ["x"], requirements: "TARGET.MemoryMB >= 2048",
                   rankWeights: RankWeights(price: 0.5, speed: 3, reliability: 0, energy: 1)),
    ])
    func roundTrips(_ params: DealParams) throws {
        #expect(try DealParams(parsing: params.json) == params)
    }

    @Test func writesIExecFieldNames() throws {
        let object = try JSONSerialization.jsonObject(with: Data(DealParams(args: ["1000", "42"], inputFiles: ["u"]).json.utf8))
        let fields = try #require(object as? [String: Any])
        #expect(fields["iexec_args"] as? String == "1000 42")
        #expect(fields["iexec_input_files"] as? [String] == ["u"])
        #expect(fields["iexec_rank_weights"] == nil && fields["iexec_requirements"] == nil)
    }
}
