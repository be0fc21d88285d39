import Ethereum

extension DealParams {
    /// The params as a request order carries them: a JSON object with the fields that differ
    /// from the defaults (`iexec_args` quoted so that `init(parsing:)` splits it back into `args`).
    public var json: String {
        var members: [String: JSONValue] = ["iexec_args": .string(args.map(Self.quoted).joined(separator: " "))]
        if !inputFiles.isEmpty { members["iexec_input_files"] = .array(inputFiles.map { .string($0) }) }
        if let requirements { members["iexec_requirements"] = .string(requirements) }
        if rankWeights != RankWeights() {
            members["iexec_rank_weights"] = .object([
                "price": .number(Self.number(rankWeights.price)), "speed": .number(Self.number(rankWeights.speed)),
                "reliability": .number(Self.number(rankWeights.reliability)), "energy": .number(Self.number(rankWeights.energy)),
            ])
        }
        return JSONValue.object(members).serialized
    }

    /// A word as `split(_:)` reads it back: bare when it has nothing special, else single-quoted
    /// (a quote inside becomes '\'').
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            !" \t\n\r'\"\\".unicodeScalars.contains($0)
        }
        if plain { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
