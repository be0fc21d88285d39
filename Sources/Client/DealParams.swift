import Ethereum

/// A deal's `params`, as the request order set them: iExec's JSON object
/// (`iexec_args`, `iexec_input_files`) and this project's scheduling fields
/// (`iexec_requirements`, `iexec_rank_weights`). Text that is not a JSON object is taken as the
/// app's arguments, as iExec's first versions did.
///
/// ```json
/// {"iexec_args": "1000000 42", "iexec_input_files": ["https://…/a.txt"],
///  "iexec_requirements": "TARGET.MemoryMB >= 2048",
///  "iexec_rank_weights": {"price": 1, "speed": 2, "reliability": 4, "energy": 0}}
/// ```
public struct DealParams: Hashable, Sendable {
    /// The app's arguments, split like a shell does (quotes, backslash escapes).
    public var args: [String]
    /// URLs (or storage content ids) of input files, fetched into the app's input directory.
    public var inputFiles: [String]
    /// A ClassAd expression a worker's ad must satisfy (evaluated with the task as MY).
    public var requirements: String?
    /// How much each criterion counts when ranking workers for the task.
    public var rankWeights: RankWeights

    /// The parameters of `params`.
    ///
    /// - Throws: `DealParamsError` naming the field that is malformed.
    public init(parsing params: String) throws(DealParamsError) {
        let trimmed = params.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{") else {
            self.init(args: try Self.split(trimmed), inputFiles: [], requirements: nil, rankWeights: RankWeights())
            return
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: trimmed)
        } catch {
            throw .notJSON("\(error)")
        }
        guard case .object(let members) = value else { throw .notJSON("not an object") }
        var args: [String] = []
        if let raw = members["iexec_args"] {
            guard case .string(let text) = raw else { throw .field("iexec_args", "must be a string") }
            args = try Self.split(text)
        }
        var inputFiles: [String] = []
        if let raw = members["iexec_input_files"] {
            guard case .array(let items) = raw else { throw .field("iexec_input_files", "must be an array of strings") }
            for item in items {
                guard case .string(let url) = item, !url.isEmpty else {
                    throw .field("iexec_input_files", "must be an array of non-empty strings")
                }
                inputFiles.append(url)
            }
        }
        var requirements: String?
        if let raw = members["iexec_requirements"] {
            guard case .string(let text) = raw else { throw .field("iexec_requirements", "must be a ClassAd expression string") }
            requirements = text
        }
        var weights = RankWeights()
        if let raw = members["iexec_rank_weights"] {
            guard case .object(let fields) = raw else { throw .field("iexec_rank_weights", "must be an object") }
            for (name, field) in fields {
                guard case .number(let text) = field, let number = Double(text), number.isFinite, number >= 0 else {
                    throw .field("iexec_rank_weights.\(name)", "must be a number ≥ 0")
                }
                switch name {
                case "price": weights.price = number
                case "speed": weights.speed = number
                case "reliability": weights.reliability = number
                case "energy": weights.energy = number
                default: throw .field("iexec_rank_weights.\(name)", "unknown criterion (price, speed, reliability, energy)")
                }
            }
        }
        self.init(args: args, inputFiles: inputFiles, requirements: requirements, rankWeights: weights)
    }

    /// Parameters given field by field.
    public init(args: [String] = [], inputFiles: [String] = [], requirements: String? = nil,
                rankWeights: RankWeights = RankWeights()) {
        self.args = args
        self.inputFiles = inputFiles
        self.requirements = requirements
        self.rankWeights = rankWeights
    }

    /// Splits `text` into words like a POSIX shell, without expansions: blanks separate words,
    /// '…' keeps everything literally, "…" and bare words honour backslash escapes.
    public static func split(_ text: String) throws(DealParamsError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                current.append(character)
            case (_, "\\"):
                escaped = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case (nil, _) where character.isWhitespace:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if let quote { throw .field("iexec_args", "unterminated \(quote) quote") }
        if escaped { throw .field("iexec_args", "ends with a lone backslash") }
        if inWord { words.append(current) }
        return words
    }
}

/// The weights of the scheduler's multi-criteria ranking of workers (the whitepaper's scheduler:
/// price, speed, reliability and energy). Each criterion is scaled to [0, 1] among the candidates.
public struct RankWeights: Hashable, Sendable {
    /// Cheaper workers first (the ad's `Price`).
    public var price: Double
    /// Faster workers first (the ad's `Speed`).
    public var speed: Double
    /// Workers with a higher PoCo score first.
    public var reliability: Double
    /// Greener workers first (the ad's `EnergyClass`, lower is better).
    public var energy: Double

    /// Weights; by default reliability counts most, then speed, then price; energy not at all.
    public init(price: Double = 1, speed: Double = 1, reliability: Double = 2, energy: Double = 0) {
        self.price = price
        self.speed = speed
        self.reliability = reliability
        self.energy = energy
    }
}

/// Why a deal's params could not be read.
public enum DealParamsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// They start like a JSON object but are not one.
    case notJSON(String)
    /// A field has the wrong shape.
    case field(String, String)

    public var description: String {
        switch self {
        case .notJSON(let detail): return "the deal's params are not a JSON object: \(detail)"
        case .field(let name, let problem): return "the deal's params field \(name) \(problem)"
        }
    }
}
