/// Why values could not be encoded, or bytes could not be decoded.
///
/// `path` names the value: `arg 2` is the third argument, `[3]` an array element, `.1` a tuple
/// component, so `arg 2 [3].1` is component 1 of element 3 of argument 2. Byte offsets (`at`,
/// `offset`) count from the start of the encoded data (after the selector for call data).
public enum ABIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A type built in code that Solidity cannot express (`uint7`, `bytes0`, `()`, `T[0]`).
    case invalidType(String)
    /// Arrays and tuples nested deeper than `ABIType.maxNestingDepth`.
    case nestingTooDeep(limit: Int)
    /// As many values as types are needed.
    case argumentCount(expected: Int, actual: Int)
    /// The value's kind does not match the type (a string given for a `uint256`).
    case typeMismatch(path: String, expected: String, actual: String)
    /// An integer that does not fit the type's bit width.
    case valueOutOfRange(path: String, type: String, value: String)
    /// A `bytesN` value that is not exactly N bytes long.
    case wrongByteCount(path: String, type: String, expected: Int, actual: Int)
    /// A fixed array or tuple with the wrong number of elements.
    case wrongElementCount(path: String, type: String, expected: Int, actual: Int)
    /// A type `abi.encodePacked` cannot encode (tuples, nested arrays, arrays of dynamic types).
    case notPackable(path: String, type: String)
    /// The data ends before a word or payload that must be there.
    case truncated(path: String, offset: Int, needed: Int, available: Int)
    /// An offset word pointing at or past the end of the data (or too large for an `Int`).
    case offsetOutOfBounds(path: String, at: Int, offset: String, dataLength: Int)
    /// An offset word pointing back into the head of its own container.
    case offsetIntoHead(path: String, at: Int, offset: Int, headSize: Int)
    /// An array or byte-string length larger than what is left of the data.
    case lengthOutOfBounds(path: String, at: Int, length: String, available: Int)
    /// A word whose padding is not zero: high bytes of `uintN`/`address`, trailing bytes of
    /// `bytesN`, or the bytes after a `bytes`/`string` payload.
    case nonZeroPadding(path: String, at: Int, type: String)
    /// An `intN` word that is not the sign extension of its low N bits.
    case invalidSignExtension(path: String, at: Int, type: String)
    /// A `bool` word other than 0 or 1.
    case invalidBool(path: String, at: Int)
    /// A `string` payload that is not valid UTF-8.
    case invalidUTF8(path: String, at: Int)
    /// The decoded values would be far larger than the data (offsets pointing many times at the
    /// same payload); refused so a small input cannot make the decoder allocate without bound.
    case decodedSizeLimit(limit: Int)
    /// Call data shorter than the 4-byte selector.
    case missingSelector(length: Int)
    /// Call data for another function.
    case selectorMismatch(expected: String, actual: String)

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .invalidType(let reason):
            return "invalid ABI type \(reason)"
        case .nestingTooDeep(let limit):
            return "ABI type nests arrays and tuples deeper than \(limit)"
        case .argumentCount(let expected, let actual):
            return "expected \(expected) values for \(expected) types, got \(actual)"
        case .typeMismatch(let path, let expected, let actual):
            return "\(path): expected a value for \(expected), got \(actual)"
        case .valueOutOfRange(let path, let type, let value):
            return "\(path): \(type) value \(value) does not fit"
        case .wrongByteCount(let path, let type, let expected, let actual):
            return "\(path): \(type) needs exactly \(expected) bytes, got \(actual)"
        case .wrongElementCount(let path, let type, let expected, let actual):
            return "\(path): \(type) needs \(expected) elements, got \(actual)"
        case .notPackable(let path, let type):
            return "\(path): abi.encodePacked cannot encode \(type) (tuples, nested arrays and arrays of dynamic types are not packable)"
        case .truncated(let path, let offset, let needed, let available):
            return "\(path): needs \(needed) bytes at offset \(offset), the data has \(available)"
        case .offsetOutOfBounds(let path, let at, let offset, let dataLength):
            return "\(path): offset \(offset) (word at \(at)) points outside the \(dataLength) bytes of data"
        case .offsetIntoHead(let path, let at, let offset, let headSize):
            return "\(path): offset \(offset) (word at \(at)) points into its container's \(headSize)-byte head"
        case .lengthOutOfBounds(let path, let at, let length, let available):
            return "\(path): length \(length) (word at \(at)) is more than the \(available) bytes left"
        case .nonZeroPadding(let path, let at, let type):
            return "\(path): \(type) at \(at) has non-zero padding bytes"
        case .invalidSignExtension(let path, let at, let type):
            return "\(path): \(type) at \(at) is not sign-extended to 256 bits"
        case .invalidBool(let path, let at):
            return "\(path): bool at \(at) is neither 0 nor 1"
        case .invalidUTF8(let path, let at):
            return "\(path): string at \(at) is not valid UTF-8"
        case .decodedSizeLimit(let limit):
            return "decoded values would exceed \(limit) bytes, far more than the data holds (aliased offsets)"
        case .missingSelector(let length):
            return "call data is \(length) bytes, shorter than a 4-byte selector"
        case .selectorMismatch(let expected, let actual):
            return "call data selector \(actual) is not the function's \(expected)"
        }
    }
}

/// Where a value sits in an argument list: `arg 2 [3].1`. Rendered to text only for an error.
struct ABIPath: Sendable {
    private enum Step: Sendable {
        case element(Int)
        case component(Int)
    }

    private let argument: Int
    private let steps: [Step]

    init(argument: Int) {
        self.argument = argument
        self.steps = []
    }

    private init(argument: Int, steps: [Step]) {
        self.argument = argument
        self.steps = steps
    }

    /// The path of element `index` of the array here.
    func element(_ index: Int) -> ABIPath { ABIPath(argument: argument, steps: steps + [.element(index)]) }

    /// The path of component `index` of the tuple here.
    func component(_ index: Int) -> ABIPath { ABIPath(argument: argument, steps: steps + [.component(index)]) }

    var text: String {
        let rendered = steps.map { step -> String in
            switch step {
            case .element(let index): return "[\(index)]"
            case .component(let index): return ".\(index)"
            }
        }.joined()
        return rendered.isEmpty ? "arg \(argument)" : "arg \(argument) \(rendered)"
    }
}
