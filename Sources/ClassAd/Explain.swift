// Why a job matches no machine: its Requirements split into top-level conjuncts, each counted
// against the pool (the question `condor_q -better-analyze` answers).

/// The analysis of a job's Requirements against a pool of machines.
public struct MatchExplanation: Sendable, Equatable {
    /// One top-level conjunct of the job's Requirements and how the pool answered it.
    public struct Clause: Sendable, Equatable {
        /// The conjunct in ClassAd text form.
        public var expression: String
        /// Machines for which the conjunct is not TRUE (FALSE, UNDEFINED, ERROR or another type).
        public var rejected: Int
        /// Of those, the machines for which it was UNDEFINED (often: the machine lacks an attribute).
        public var undefined: Int
        /// Of those, the machines for which it was ERROR (often: a type mismatch).
        public var error: Int
    }

    /// One machine's verdict.
    public struct Machine: Sendable, Equatable {
        /// The machine's position in the list given.
        public var index: Int
        /// Indexes into `clauses` of the job's conjuncts this machine fails.
        public var failedClauses: [Int]
        /// Whether the machine's own Requirements accepts the job.
        public var machineAccepts: Bool
        /// Whether the two match (the job has Requirements, no clause failed, the machine accepts).
        public var matches: Bool
    }

    /// The job's Requirements conjuncts, in order; empty when the job has no Requirements.
    public var clauses: [Clause]
    /// The conjuncts of the machines' Requirements evaluated against the job (MY = machine), merged
    /// by text in order of first appearance: how many machines each makes refuse the job.
    public var machineClauses: [Clause]
    /// Machines with no Requirements attribute (they match nothing).
    public var machinesWithoutRequirements: Int
    /// Per machine, in order.
    public var machines: [Machine]
    /// Whether the job has a Requirements attribute at all (without one it matches nothing).
    public var jobHasRequirements: Bool

    /// Machines whose own Requirements rejects the job.
    public var rejectedByMachines: Int { machines.count(where: { !$0.machineAccepts }) }
    /// Machines that match.
    public var matching: Int { machines.count(where: \.matches) }

    /// A report for people, in the manner of `condor_q -better-analyze`.
    public var text: String {
        var lines: [String] = []
        let total = machines.count
        lines.append("Job requirements analysis against \(total) machine\(total == 1 ? "" : "s"):")
        if !jobHasRequirements {
            lines.append("  The job has no Requirements attribute: it matches no machine.")
        }
        let width = clauses.map { $0.expression.count }.max() ?? 0
        for (position, clause) in clauses.enumerated() {
            var line = "  [\(position)] " + clause.expression.padding(to: width)
            line += "  rejects \(clause.rejected) of \(total)"
            var why: [String] = []
            if clause.undefined > 0 { why.append("\(clause.undefined) undefined") }
            if clause.error > 0 { why.append("\(clause.error) error") }
            if !why.isEmpty { line += " (" + why.joined(separator: ", ") + ")" }
            lines.append(line)
        }
        lines.append("  Machines whose own Requirements reject the job: \(rejectedByMachines) of \(total)")
        for clause in machineClauses where clause.rejected > 0 {
            var line = "    \(clause.expression)  on \(clause.rejected)"
            var why: [String] = []
            if clause.undefined > 0 { why.append("\(clause.undefined) undefined") }
            if clause.error > 0 { why.append("\(clause.error) error") }
            if !why.isEmpty { line += " (" + why.joined(separator: ", ") + ")" }
            lines.append(line)
        }
        if machinesWithoutRequirements > 0 {
            lines.append("    no Requirements attribute  on \(machinesWithoutRequirements)")
        }
        lines.append("  Machines matching: \(matching) of \(total)")
        if matching == 0, let worst = clauses.indices.max(by: { clauses[$0].rejected < clauses[$1].rejected }),
           clauses[worst].rejected > 0 {
            lines.append("  Most restrictive condition: [\(worst)] \(clauses[worst].expression)")
        }
        return lines.joined(separator: "\n")
    }
}

extension Matchmaker {
    /// The top-level conjuncts of an expression: `a && (b && c)` gives a, b, c; parentheses around
    /// a conjunction are looked through.
    public static func conjuncts(_ expression: Expr) -> [Expr] {
        switch expression {
        case .binary(.and, let left, let right): conjuncts(left) + conjuncts(right)
        case .parenthesized(let inner):
            if case .binary(.and, _, _) = inner { conjuncts(inner) } else { [expression] }
        default: [expression]
        }
    }

    /// Which conjuncts of `job`'s Requirements each machine fails and how many machines each rejects.
    public static func explain(job: ClassAd, machines: [ClassAd], unscopedLookup: UnscopedLookup = .myThenTarget) -> MatchExplanation {
        let requirements = job["Requirements"]
        let parts = requirements.map(conjuncts) ?? []
        var clauses = parts.map { MatchExplanation.Clause(expression: $0.description, rejected: 0, undefined: 0, error: 0) }
        var verdicts: [MatchExplanation.Machine] = []
        var machineClauses: [MatchExplanation.Clause] = []
        var machineClauseIndex: [String: Int] = [:]
        var withoutRequirements = 0
        for (index, machine) in machines.enumerated() {
            if let own = machine["Requirements"] {
                let reverse = Evaluator(my: machine, target: job, unscopedLookup: unscopedLookup)
                for part in conjuncts(own) {
                    let text = part.description
                    let position = machineClauseIndex[text] ?? machineClauses.count
                    if position == machineClauses.count {
                        machineClauseIndex[text] = position
                        machineClauses.append(.init(expression: text, rejected: 0, undefined: 0, error: 0))
                    }
                    let value = reverse.evaluate(part)
                    guard !value.isTrueForMatch else { continue }
                    machineClauses[position].rejected += 1
                    if value == .undefined { machineClauses[position].undefined += 1 }
                    if value == .error { machineClauses[position].error += 1 }
                }
            } else {
                withoutRequirements += 1
            }
            let evaluator = Evaluator(my: job, target: machine, unscopedLookup: unscopedLookup)
            var failed: [Int] = []
            for (position, part) in parts.enumerated() {
                let value = evaluator.evaluate(part)
                guard !value.isTrueForMatch else { continue }
                failed.append(position)
                clauses[position].rejected += 1
                if value == .undefined { clauses[position].undefined += 1 }
                if value == .error { clauses[position].error += 1 }
            }
            let accepts = requirementsHold(of: machine, against: job, unscopedLookup: unscopedLookup)
            // Without Requirements the job matches nothing; `jobHasRequirements` reports why.
            verdicts.append(.init(index: index, failedClauses: failed, machineAccepts: accepts,
                                  matches: requirements != nil && failed.isEmpty && accepts))
        }
        return MatchExplanation(clauses: clauses, machineClauses: machineClauses, machinesWithoutRequirements: withoutRequirements,
                                machines: verdicts, jobHasRequirements: requirements != nil)
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
