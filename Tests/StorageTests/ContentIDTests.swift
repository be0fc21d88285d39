// Content-addressed blob storage (issue #6): see docs/storage.md.
import Testing
@testable import Storage

@Suite("ContentID")
struct ContentIDTests {
    // Computed with Python `multiformats` 0.3.1: CID("base32", 1, "raw", multihash.digest(data, "sha2-256")).
    static let emptyID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    static let helloWorldID = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"

    @Test func plainVectors() {
        #expect(ContentID.of([]).description == Self.emptyID)
        #expect(ContentID.of(Array("hello world".utf8)).description == Self.helloWorldID)
        #expect(ContentID.of([]).kind == .plain)
    }

    // Python reference (hashlib + base64, written from docs/storage.md independently of the Swift
    // code) over patternBlob: plain at exactly one chunk, chunked from one byte more.
    @Test(arguments: [
        (262_144, "bafkreibruh455iawsviqslif5c7uurdcfdemh22mtnytyzvnzn75kpejxy"),
        (262_145, "bagaybqabciqm5gxs567dzntiuqouipk6wmftbmnqf643nhjj6jblse2oxkxeswy"),
        (524_288, "bagaybqabciqixjopekbbmddaxn7nka75u4ysgq7q7xd7f77m6bvhto6x37jxlba"),
        (1_049_576, "bagaybqabciqlxqrxucf46uu2htdteet4jyn5motvrp3cf7nh4bf37fqtbtxf2cy"),
    ])
    func thresholdAndChunkedVectors(size: Int, expected: String) {
        let id = ContentID.of(patternBlob(count: size))
        #expect(id.description == expected)
        #expect(id.kind == (size <= ContentID.plainLimit ? .plain : .chunked))
    }

    @Test func parseRoundTrips() throws {
        for text in [Self.emptyID, Self.helloWorldID, "bagaybqabciqm5gxs567dzntiuqouipk6wmftbmnqf643nhjj6jblse2oxkxeswy"] {
            let id = try ContentID(parsing: text)
            #expect(id.description == text)
            #expect(try ContentID(binary: id.binary) == id)
            #expect(ContentID(text) == id)
        }
        #expect(try ContentID(parsing: Self.helloWorldID) == ContentID.of(Array("hello world".utf8)))
    }

    @Test func chunkedCodecVarint() throws {
        let id = try ContentID(kind: .chunked, digest: [UInt8](repeating: 7, count: 32))
        // 0x300001 as an unsigned varint is 81 80 c0 01.
        #expect(Array(id.binary.prefix(7)) == [0x01, 0x81, 0x80, 0xc0, 0x01, 0x12, 0x20])
    }

    @Test func refusesMalformed() throws {
        let good = Self.helloWorldID
        #expect(throws: ContentIDError.empty) { try ContentID(parsing: "") }
        #expect(throws: ContentIDError.unsupportedMultibase("B")) { try ContentID(parsing: good.uppercased()) }
        // CIDv0 (base58 "Qm…") has no multibase prefix.
        #expect(throws: ContentIDError.unsupportedMultibase("Q")) {
            try ContentID(parsing: "QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u")
        }
        #expect(throws: ContentIDError.invalidBase32Character(offset: 5)) { try ContentID(parsing: "bafkr1" + good.dropFirst(6)) }
        #expect(throws: ContentIDError.nonCanonicalBase32) { try ContentID(parsing: good + "a") }
        #expect(throws: ContentIDError.wrongDigestLength(0)) { try ContentID(kind: .plain, digest: []) }

        let digest = [UInt8](repeating: 0xab, count: 32)
        #expect(throws: ContentIDError.unsupportedVersion(0)) { try ContentID(binary: [0x00, 0x55, 0x12, 0x20] + digest) }
        #expect(throws: ContentIDError.unsupportedCodec(0x70)) { try ContentID(binary: [0x01, 0x70, 0x12, 0x20] + digest) }
        #expect(throws: ContentIDError.unsupportedHashFunction(0x13)) { try ContentID(binary: [0x01, 0x55, 0x13, 0x20] + digest) }
        #expect(throws: ContentIDError.wrongDigestLength(20)) { try ContentID(binary: [0x01, 0x55, 0x12, 0x14] + digest) }
        #expect(throws: ContentIDError.truncated(field: "digest")) { try ContentID(binary: [0x01, 0x55, 0x12, 0x20] + digest.dropLast()) }
        #expect(throws: ContentIDError.trailingBytes(1)) { try ContentID(binary: [0x01, 0x55, 0x12, 0x20] + digest + [0]) }
        #expect(throws: ContentIDError.truncated(field: "codec")) { try ContentID(binary: [0x01]) }
        #expect(throws: ContentIDError.truncated(field: "version")) { try ContentID(binary: [0x81]) }
        // 0x81 0x00 encodes 1 non-minimally.
        #expect(throws: ContentIDError.invalidVarint(field: "version", offset: 0)) { try ContentID(binary: [0x81, 0x00, 0x55]) }
        #expect(throws: ContentIDError.invalidVarint(field: "version", offset: 0)) {
            try ContentID(binary: [UInt8](repeating: 0xff, count: 12))
        }
        #expect(ContentID("not a cid") == nil)
    }
}
