import Foundation
import Testing


/// `iexec classad eval|match`, run as a user would (the built binary).
@Suite("iexec classad eval, iexec classad match")
struct ClassAdCommandTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-classad-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    private func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func rawObject(_ arguments: [String]) throws -> (status: Int32, object: [String: Any]) {
        let result = try RawOutputTests.run(arguments + ["--raw"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (result.status, object)
    }

    @Test("eval prints the value, or {value, type} with --raw; MY comes from --ad")
    func eval() throws {
        #expect(try RawOutputTests.run(["classad", "eval", "1 + 2 * 3"]).stdout == "7\n")
        let (status, object) = try rawObject(["classad", "eval", #"strcat("a", toUpper("b"))"#])
        #expect(status == 0)
        #expect(object["value"] as? String == "aB" && object["type"] as? String == "string")
        let ad = try file("machine.ad", "[ Memory = 4096; Runtimes = {\"wasm\"} ]")
        let scoped = try rawObject(["classad", "eval", #"Memory >= 2048 && member("wasm", Runtimes)"#, "--ad", ad])
        #expect(scoped.object["value"] as? Bool == true && scoped.object["type"] as? String == "boolean")
        #expect(try rawObject(["classad", "eval", "Missing"]).object["type"] as? String == "undefined")
    }

    @Test("a parse error names the line and column and exits 1")
    func parseError() throws {
        let result = try RawOutputTests.run(["classad", "eval", "1 +"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 1, column 4"))
        let ad = try file("bad.ad", "[ A = 1;\n  B = ( ]")
        let (status, object) = try rawObject(["classad", "eval", "A", "--ad", ad])
        #expect(status == 1)
        #expect((object["error"] as? String)?.contains("line 2") == true)
    }

    @Test("match gives match and rank per machine, and --explain counts the machines each clause rejects")
    func match() throws {
        let job = try file("job.ad", """
            [ Requirements = TARGET.Memory >= 2048 && member("wasm", TARGET.Runtimes); Rank = TARGET.Cores ]
            """)
        let machines = try file("machines.ad", """
            { [ Memory = 4096; Cores = 4; Runtimes = {"wasm"}; Requirements = true ],
              [ Memory = 1024; Cores = 8; Runtimes = {"wasm"}; Requirements = true ],
              [ Memory = 8192; Cores = 2; Runtimes = {"native"}; Requirements = true ] }
            """)
        let (status, object) = try rawObject(["classad", "match", "--job", job, "--machines", machines, "--explain"])
        #expect(status == 0)
        let matches = try #require(object["matches"] as? [[String: Any]])
        #expect(matches.map { $0["match"] as? Bool } == [true, false, false])
        #expect(matches.map { $0["rank"] as? Double } == [4, 8, 2])
        let explain = try #require(object["explain"] as? [String: Any])
        let clauses = try #require(explain["clauses"] as? [[String: Any]])
        #expect(clauses.map { $0["rejected"] as? Int } == [1, 1])
        let text = try RawOutputTests.run(["classad", "match", "--job", job, "--machines", machines]).stdout
        #expect(text.contains("machine 0: matches, rank 4.0") && text.contains("1 of 3 machines match"))
        let twoJobs = try file("two.ad", "[ A = 1 ] [ B = 2 ]")
        #expect(try rawObject(["classad", "match", "--job", twoJobs, "--machines", machines]).object["error"] as? String
            == "--job \(twoJobs): expected one ad, found 2")
    }
}
