// Matching, rank and the explanation of non-matches.
import Testing
@testable import ClassAd

@Suite("ClassAd matching")
struct MatchTests {
    static let job = "[Requirements = TARGET.Memory >= 1024 && TARGET.Arch == \"X86_64\" && TARGET.HasDocker; Rank = TARGET.Memory / 1024.0; Owner = \"alice\"]"
    static let machines = [
        "[Memory = 2048; Arch = \"x86_64\"; HasDocker = true; Requirements = TARGET.Owner != \"bob\"]",
        "[Memory = 512; Arch = \"X86_64\"; HasDocker = true; Requirements = true]",
        "[Memory = 4096; Arch = \"ARM64\"; Requirements = true]",
        "[Memory = 8192; Arch = \"X86_64\"; HasDocker = 1; Requirements = TARGET.Owner == \"bob\"]",
        "[Memory = \"lots\"; Arch = \"X86_64\"; HasDocker = true; Requirements = 1]",
        "[Memory = 1024; Arch = \"X86_64\"; HasDocker = true]",
    ]
    // classad2 (PyPI htcondor 25.14.1): `job.symmetricMatch(machine)` and
    // `ExprTree("MY.Rank").simplify(job, machine).eval()` gave, per machine:
    // (True, 2.0), (False, 0.5), (False, 4.0), (False, 8.0), (False, ERROR), (False, 1.0).
    static let expected: [(Bool, Double)] = [(true, 2.0), (false, 0.5), (false, 4.0), (false, 8.0), (false, 0), (false, 1.0)]

    @Test("symmetric match and rank as classad2 computes them")
    func matchAndRank() throws {
        let job = try ClassAd(parsing: Self.job)
        let machines = try Self.machines.map { text throws(ParseError) in try ClassAd(parsing: text) }
        let results = Matchmaker.matches(job: job, machines: machines)
        #expect(results.map(\.matches) == Self.expected.map(\.0))
        #expect(results.map(\.rank) == Self.expected.map(\.1))
        #expect(results.map(\.index) == Array(0..<6))
    }

    @Test("what counts as a TRUE Requirements")
    func truthOfRequirements() throws {
        let other = try ClassAd(parsing: "[Requirements = true]")
        for (requirements, holds) in [("true", true), ("1", true), ("-3", true), ("2.5", true), ("0", false), ("false", false),
                                      ("undefined", false), ("error", false), ("\"yes\"", false), ("{1}", false), ("0.0", false)] {
            let ad = try ClassAd(parsing: "[Requirements = \(requirements)]")
            #expect(Matchmaker.symmetricMatch(ad, other) == holds, "\(requirements)")
        }
        #expect(!Matchmaker.symmetricMatch(try ClassAd(parsing: "[a = 1]"), other))
    }

    @Test("rank: numbers as they are, booleans as 1 and 0, anything else 0")
    func rankValues() throws {
        let other = try ClassAd(parsing: "[Memory = 3]")
        for (rank, value) in [("TARGET.Memory * 2", 6.0), ("1.5", 1.5), ("true", 1.0), ("false", 0.0), ("\"high\"", 0.0),
                              ("TARGET.Missing", 0.0), ("1/0", 0.0), ("-2", -2.0), ("0.0/0", 0.0)] {
            let ad = try ClassAd(parsing: "[Rank = \(rank)]")
            #expect(Matchmaker.rank(ad, other) == value, "\(rank)")
        }
        #expect(Matchmaker.rank(try ClassAd(parsing: "[a = 1]"), other) == 0)
    }

    @Test("unscoped references reach TARGET in a match (HTCondor daemons' rule)")
    func unscopedInMatch() throws {
        let job = try ClassAd(parsing: "[Requirements = Memory >= 1024; Rank = Memory]")
        let machine = try ClassAd(parsing: "[Memory = 2048; Requirements = true]")
        #expect(Matchmaker.symmetricMatch(job, machine))
        #expect(Matchmaker.rank(job, machine) == 2048)
        // classad2's own symmetricMatch looks in MY only: no match there.
        #expect(!Matchmaker.symmetricMatch(job, machine, unscopedLookup: .myOnly))
    }

    @Test("explain counts the machines each conjunct rejects")
    func explain() throws {
        let job = try ClassAd(parsing: Self.job)
        let machines = try Self.machines.map { text throws(ParseError) in try ClassAd(parsing: text) }
        let explanation = Matchmaker.explain(job: job, machines: machines)
        #expect(explanation.clauses == [
            .init(expression: "TARGET.Memory >= 1024", rejected: 2, undefined: 0, error: 1),
            .init(expression: "TARGET.Arch == \"X86_64\"", rejected: 1, undefined: 0, error: 0),
            .init(expression: "TARGET.HasDocker", rejected: 1, undefined: 1, error: 0),
        ])
        #expect(explanation.machines.map(\.failedClauses) == [[], [0], [1, 2], [], [0], []])
        #expect(explanation.machines.map(\.machineAccepts) == [true, true, true, false, true, false])
        #expect(explanation.machines.map(\.matches) == Self.expected.map(\.0))
        #expect(explanation.rejectedByMachines == 2)
        #expect(explanation.matching == 1)
        #expect(explanation.text == """
            Job requirements analysis against 6 machines:
              [0] TARGET.Memory >= 1024    rejects 2 of 6 (1 error)
              [1] TARGET.Arch == "X86_64"  rejects 1 of 6
              [2] TARGET.HasDocker         rejects 1 of 6 (1 undefined)
              Machines whose own Requirements reject the job: 2 of 6
                TARGET.Owner == "bob"  on 1
                no Requirements attribute  on 1
              Machines matching: 1 of 6
            """)
        #expect(explanation.machineClauses == [
            .init(expression: "TARGET.Owner != \"bob\"", rejected: 0, undefined: 0, error: 0),
            .init(expression: "true", rejected: 0, undefined: 0, error: 0),
            .init(expression: "TARGET.Owner == \"bob\"", rejected: 1, undefined: 0, error: 0),
            .init(expression: "1", rejected: 0, undefined: 0, error: 0),
        ])
        #expect(explanation.machinesWithoutRequirements == 1)
        #expect(explanation.json.hasPrefix(#"{"machines":6,"matching":1,"rejectedByMachines":2,"jobHasRequirements":true,"clauses":[{"expression":"TARGET.Memory >= 1024","rejected":2,"undefined":0,"error":1}"#))
    }

    @Test("explain names the most restrictive condition when nothing matches, and a missing Requirements")
    func explainNothing() throws {
        let job = try ClassAd(parsing: "[Requirements = (TARGET.Gpus > 0 && TARGET.Memory > 10) && TARGET.Cpus >= 1]")
        let machines = try ClassAd.parseList("{ [Memory = 20; Cpus = 4; Requirements = true], [Gpus = 0; Memory = 5; Cpus = 2; Requirements = true] }")
        let explanation = Matchmaker.explain(job: job, machines: machines)
        #expect(explanation.clauses.map(\.expression) == ["TARGET.Gpus > 0", "TARGET.Memory > 10", "TARGET.Cpus >= 1"])
        #expect(explanation.clauses.map(\.rejected) == [2, 1, 0])
        #expect(explanation.text.hasSuffix("Most restrictive condition: [0] TARGET.Gpus > 0"))
        // A machine condition on an attribute the job lacks counts as UNDEFINED.
        let picky = try ClassAd.parseList("[Requirements = TARGET.Dept == \"physics\" && TARGET.Cpus > 0; Gpus = 1; Memory = 20; Cpus = 1]")
        let pickyExplanation = Matchmaker.explain(job: job, machines: picky)
        #expect(pickyExplanation.machineClauses == [
            .init(expression: "TARGET.Dept == \"physics\"", rejected: 1, undefined: 1, error: 0),
            .init(expression: "TARGET.Cpus > 0", rejected: 1, undefined: 1, error: 0),
        ])
        #expect(pickyExplanation.text.contains("    TARGET.Dept == \"physics\"  on 1 (1 undefined)"))
        let none = Matchmaker.explain(job: try ClassAd(parsing: "[a = 1]"), machines: machines)
        #expect(!none.jobHasRequirements && none.matching == 0 && none.clauses.isEmpty)
        #expect(none.text.contains("no Requirements attribute"))
    }

    @Test("JSON renderings")
    func json() throws {
        #expect(Value.integer(3).json == #"{"value":3,"type":"integer"}"#)
        #expect(Value.real(0.5).json == #"{"value":0.5,"type":"real"}"#)
        #expect(Value.real(2).json == #"{"value":2.0,"type":"real"}"#)
        #expect(Value.string("a\"b\n").json == #"{"value":"a\"b\n","type":"string"}"#)
        #expect(Value.undefined.json == #"{"value":null,"type":"undefined"}"#)
        #expect(Value.error.json == #"{"value":null,"type":"error"}"#)
        #expect(Value.boolean(true).json == #"{"value":true,"type":"boolean"}"#)
        #expect(try ClassAd.eval("{1, \"x\"}").json == #"{"value":[{"value":1,"type":"integer"},{"value":"x","type":"string"}],"type":"list"}"#)
        #expect(try ClassAd.eval("[a = 1]").json == #"{"value":"[ a = 1 ]","type":"classad"}"#)
        #expect(MatchResult(index: 2, matches: true, rank: 1.5).json == #"{"index":2,"match":true,"rank":1.5}"#)
        #expect(MatchResult(index: 0, matches: false, rank: -.infinity).json == #"{"index":0,"match":false,"rank":null}"#)
        #expect(Value.real(.infinity).json == #"{"value":"real(\"INF\")","type":"real"}"#)
    }
}
