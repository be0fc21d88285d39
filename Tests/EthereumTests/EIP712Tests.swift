import Ethereum
import Testing

/// EIP-712 typed data against eth-account 0.14.0 `encode_typed_data(full_message=…)` (run in
/// /work/venv: encode_type, header = domain separator, body = hashStruct(message), the digest
/// keccak256(0x1901 ‖ header ‖ body), and `Account.sign_message` with the test key), plus the
/// EIP-712 specification's own Mail example.
@Suite("EIP-712 typed data")
struct EIP712Tests {
    struct Vector: Sendable {
        let json: String
        let encodeType: String
        let typeHash: String
        let separator: String
        let messageHash: String
        let digest: String
        let signature: String
    }

    static let key = try! PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")

    /// mail: the EIP-712 spec example. groups: arrays of structs and `address[]` (the same digest
    /// appears in MetaMask eth-sig-util's and Trust Wallet Core's v4 tests). atomic: every atomic
    /// type, extremes, negative ints, hex and decimal strings, bare `uint`, a domain of chainId
    /// only. arrays: fixed, nested (`int8[2][]`, `string[][2]`), of structs, empty, domain with
    /// salt. recursive: `Node(… Node next …)` ended by null. extraIgnored: members no type
    /// declares (same digest as mail). missingStruct: an absent struct field hashes as zero.
    static let vectors: [String: Vector] = [
        "mail": Vector(
            json: #"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#,
            encodeType: "Mail(Person from,Person to,string contents)Person(string name,address wallet)",
            typeHash: "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2",
            separator: "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f",
            messageHash: "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e",
            digest: "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
            signature: "0x19e4c5dcf77c10f4b30df3d4cb5822a99a69ec18e6f5d7b9a889a5a4815740732656ebdcc5a9c8eee63e684a5ed282d6b59ffe2914076b025a77df76559403111c"),
        "groups": Vector(
            json: #"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallets","type":"address[]"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person[]"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallets":["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826","0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"]},"to":[{"name":"Bob","wallets":["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB","0xB0BdaBea57B0BDABeA57b0bdABEA57b0BDabEa57","0xB0B0b0b0b0b0B000000000000000000000000000"]}],"contents":"Hello, Bob!"}}"#,
            encodeType: "Mail(Person from,Person[] to,string contents)Person(string name,address[] wallets)",
            typeHash: "0x4bd8a9a2b93427bb184aca81e24beb30ffa3c747e2a33d4225ec08bf12e2e753",
            separator: "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f",
            messageHash: "0xeb4221181ff3f1a83ea7313993ca9218496e424604ba9492bb4052c03d5c3df8",
            digest: "0xa85c2e2b118698e88db68a8105b794a8cc7cec074e89ef991cb4f5f533819cc2",
            signature: "0xe754815aa9a79e3e676fefd59de8a36cbe5093eb033a40206266adbe21a164ca5ed3be0e711805299fa6d35e27fae53344f902eeba5f52aa24d95055a00064591c"),
        "atomic": Vector(
            json: #"{"types":{"EIP712Domain":[{"name":"chainId","type":"uint256"}],"Atoms":[{"name":"u8","type":"uint8"},{"name":"u256","type":"uint256"},{"name":"uhex","type":"uint64"},{"name":"i8","type":"int8"},{"name":"i256min","type":"int256"},{"name":"i32","type":"int32"},{"name":"b1","type":"bytes1"},{"name":"b32","type":"bytes32"},{"name":"dyn","type":"bytes"},{"name":"empty","type":"bytes"},{"name":"flag","type":"bool"},{"name":"off","type":"bool"},{"name":"text","type":"string"},{"name":"who","type":"address"},{"name":"bare","type":"uint"}]},"primaryType":"Atoms","domain":{"chainId":"0x1"},"message":{"u8":255,"u256":"115792089237316195423570985008687907853269984665640564039457584007913129639935","uhex":"0xDeadBeef","i8":-128,"i256min":"-57896044618658097711785492504343953926634992332820282019728792003956564819968","i32":"-1","b1":"0xff","b32":"0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","dyn":"0x0102030405","empty":"0x","flag":true,"off":false,"text":"café ✓ 漢字 🚀","who":"0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826","bare":7}}"#,
            encodeType: "Atoms(uint8 u8,uint256 u256,uint64 uhex,int8 i8,int256 i256min,int32 i32,bytes1 b1,bytes32 b32,bytes dyn,bytes empty,bool flag,bool off,string text,address who,uint bare)",
            typeHash: "0x2ba200a3d22eb73497b39239e67e098f64e8e5d3be9583338438bb7998654431",
            separator: "0x2d9145f2f941cb14d4c738374c6ebde69c75a737e93da5905ee040bab57e46a8",
            messageHash: "0xd40af1779c0dd2f7c98d15ce6a68a2ebd57d5186541a2736e0a4443cf2d09d8f",
            digest: "0x5829570d7d9188776c2aacf7e509c9e29850c1c77cb2f4f8d2d95ce55788b342",
            signature: "0x72ccf0f1f4301e6a21d7712d50703119c0596716883d11aff5dee08d96d55b966646881eec3641921079b5d025860d7e25238d8e59b807f1e391246b773f66f51b"),
        "arrays": Vector(
            json: #"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"salt","type":"bytes32"}],"Item":[{"name":"id","type":"uint16"},{"name":"tags","type":"string[]"}],"Matrix":[{"name":"fixed","type":"uint16[3]"},{"name":"grid","type":"int8[2][]"},{"name":"names","type":"string[][2]"},{"name":"items","type":"Item[2]"},{"name":"none","type":"Item[]"},{"name":"blobs","type":"bytes[]"},{"name":"words","type":"bytes32[]"}]},"primaryType":"Matrix","domain":{"name":"Arrays","salt":"0xf2d857f4a3edcb9b78b4d503bfe733db1e3f6cdc2b7971ee739626c97e86a558"},"message":{"fixed":[1,2,65535],"grid":[[-1,1],[127,-128],[0,0]],"names":[["a","b"],[]],"items":[{"id":1,"tags":["x"]},{"id":2,"tags":[]}],"none":[],"blobs":["0x","0xdeadbeef"],"words":["0x0000000000000000000000000000000000000000000000000000000000000001"]}}"#,
            encodeType: "Matrix(uint16[3] fixed,int8[2][] grid,string[][2] names,Item[2] items,Item[] none,bytes[] blobs,bytes32[] words)Item(uint16 id,string[] tags)",
            typeHash: "0x3a051fa07a9e43c3bdc8aed44528c591e0ecdeb062b36e91278672da6f3e75ff",
            separator: "0xd7b299fef892e80d74406f870aae190126fc3eaa8c00d7779a43a0ec99a0290e",
            messageHash: "0x2aa44c1a7dda909d5217ce9dc7e16639eb9b30ce4862e9b88913244cbbc4ef8f",
            digest: "0xb8793b113f649680bd07909214c8e8f00d3af5ce9c5aa9b6201839c3ab63a329",
            signature: "0x5a7aa494f272061f47fd91c46b1463ad7ae062c16c724bdaa362b2c64ea860e10cf5250c5f62b1c5659addb4332c05d1316d1037c7af7dac57e7b1d85eb32fcd1b"),
        "recursive": Vector(
            json: #"{"types":{"EIP712Domain":[{"name":"name","type":"string"}],"Node":[{"name":"value","type":"uint32"},{"name":"next","type":"Node"},{"name":"label","type":"Label"}],"Label":[{"name":"text","type":"string"}]},"primaryType":"Node","domain":{"name":"List"},"message":{"value":1,"next":{"value":2,"next":{"value":3,"next":null,"label":{"text":"c"}},"label":{"text":"b"}},"label":{"text":"a"}}}"#,
            encodeType: "Node(uint32 value,Node next,Label label)Label(string text)",
            typeHash: "0xb8909454aa42a469219a87d0917f0aa28460022e849b109738637fd688998f0b",
            separator: "0x4bcd3ed2072e46947d7dc23f926970baf6a107600bb0dee9b975304f322aaaf1",
            messageHash: "0xd94f1b91be38916f071b06df3bbfb7c21a2fc938dcc66c2c04649981b5a15822",
            digest: "0x067c129f724817a75ac486024aa83d3751335a9ae7b4b456fb45901e6456168a",
            signature: "0x2fd446a1a5757369933c61bd1f796b9bcbea5059a22e23c33b4d7272815e46f22943af2198ee814ff96f29d1b26c7a2c26b14c558150cbcfaefa0a54d2f442701b"),
        "extraIgnored": Vector(
            json: #"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826","nickname":"ignored"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!","note":1}}"#,
            encodeType: "Mail(Person from,Person to,string contents)Person(string name,address wallet)",
            typeHash: "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2",
            separator: "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f",
            messageHash: "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e",
            digest: "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
            signature: "0x19e4c5dcf77c10f4b30df3d4cb5822a99a69ec18e6f5d7b9a889a5a4815740732656ebdcc5a9c8eee63e684a5ed282d6b59ffe2914076b025a77df76559403111c"),
        "missingStruct": Vector(
            json: #"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"contents":"Hello, Bob!"}}"#,
            encodeType: "Mail(Person from,Person to,string contents)Person(string name,address wallet)",
            typeHash: "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2",
            separator: "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f",
            messageHash: "0xfdecfae63c304f6fc7795188607e3838f5bf6798e47f147efdb2c71fcec1335e",
            digest: "0x56467729e7f0d32c0111820eb989210f3b1a435e3b1029f5e4dfad8ee77df6b0",
            signature: "0xf1baad5a6c6523e6cff704516151896375e73f4cfe3b7dc471ec680783bd11bf0b1a127ad346b54d96e6e3eeef1ef8c8557f186ac439cf7376c5965fc57098c91b"),    ]

    @Test(arguments: vectors.keys.sorted())
    func matchesEthAccount(name: String) throws {
        let vector = try #require(Self.vectors[name])
        let typed = try TypedData(json: vector.json)
        #expect(try typed.encodeType(typed.primaryType) == vector.encodeType)
        #expect(try typed.typeHash(typed.primaryType).hex == vector.typeHash)
        #expect(typed.domainSeparator.hex == vector.separator)
        #expect(typed.messageHash.hex == vector.messageHash)
        #expect(try typed.hashStruct(typed.primaryType, value: typed.message).hex == vector.messageHash)
        #expect(typed.digest.hex == vector.digest)
        let signature = typed.sign(with: Self.key)
        #expect(signature.bytes.hexString == vector.signature)
        #expect(try typed.recoverSigner(signature) == Self.key.address)
        #expect(try typed.recoverSigner(signatureBytes: signature.compactBytes) == Self.key.address)
        // Written back out and read again, the document hashes the same.
        let reread = try TypedData(json: typed.json)
        #expect(reread == typed && reread.digest == typed.digest)
    }

    /// The specification's example signature: key keccak256("cow"), v 28, r 0x4355…1c9d, s 0x0729…1562.
    @Test func specificationMailSignature() throws {
        let typed = try TypedData(json: try #require(Self.vectors["mail"]).json)
        #expect(typed.digest.hex == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        let cow = try PrivateKey(Keccak256.hash("cow").bytes)
        let signature = typed.sign(with: cow)
        #expect(signature.v == 28)
        #expect(signature.r.hexString == "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d")
        #expect(signature.s.hexString == "0x07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562")
        #expect(try typed.recoverSigner(signature).checksummed == "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
        // eth-account encode_data / hash_struct of the Person "Cow".
        let cowValue: JSONValue = ["name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"]
        #expect(try typed.encodeData("Person", value: cowValue).hexString
            == "0xb9d8c78acf9b987311de6c7b45bb6a9c8e1bf361fa7fd3467a2163f994c795008c1d2bd5348394761719da11ec67eedae9502d137e8940fee8ecd6f641ee1648000000000000000000000000cd2a3d9f938e13cd947ec05abc7fe734df8dd826")
        #expect(try typed.hashStruct("Person", value: cowValue).hex
            == "0xfc71e5fa27ff56c350aa531bc129ebdf613b772b6604664f5d8dbe21b85eb0c8")
        #expect(throws: TypedDataError.undefinedType("Nope", usedBy: "encodeType")) { try typed.encodeType("Nope") }
    }

    @Test func primaryTypeAndDomainTypeMayBeOmitted() throws {
        let vector = try #require(Self.vectors["mail"])
        guard case .object(var document) = try JSONValue(parsing: vector.json),
            case .object(var types)? = document["types"]
        else { Issue.record("mail vector is not an object"); return }
        document["primaryType"] = nil
        types["EIP712Domain"] = nil
        document["types"] = .object(types)
        let typed = try TypedData(jsonValue: .object(document))
        #expect(typed.primaryType == "Mail")
        #expect(typed.digest.hex == vector.digest)
    }

    @Test func programmaticConstructionMatchesJSON() throws {
        let typed = try TypedData(
            types: [
                "Person": [.init(name: "name", type: "string"), .init(name: "wallet", type: "address")],
                "Mail": [.init(name: "from", type: "Person"), .init(name: "to", type: "Person"), .init(name: "contents", type: "string")],
            ],
            primaryType: "Mail",
            domain: EIP712Domain(
                name: "Ether Mail", version: "1", chainId: 1,
                verifyingContract: try Address(hex: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC")),
            message: [
                "from": ["name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"],
                "to": ["name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"],
                "contents": "Hello, Bob!",
            ])
        #expect(typed.digest.hex == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        #expect(typed.domain.typeString == "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    }

    // MARK: - Errors

    /// A document with one struct `T` (or the given types) and the given message.
    private func document(_ types: String, _ message: String, primary: String = "T", domain: String = #"{"chainId":1}"#) -> String {
        #"{"types":\#(types),"primaryType":"\#(primary)","domain":\#(domain),"message":\#(message)}"#
    }

    private func oneField(_ type: String, _ value: String) throws -> TypedData {
        try TypedData(json: document(#"{"T":[{"name":"a","type":"\#(type)"}]}"#, #"{"a":\#(value)}"#))
    }

    @Test func typeDefinitionErrors() {
        #expect(throws: TypedDataError.undefinedType("Foo", usedBy: "T.a")) { try oneField("Foo", "1") }
        #expect(throws: TypedDataError.undefinedType("Foo", usedBy: "T.a")) { try oneField("Foo[2][]", "[]") }
        for bad in ["uint7", "uint264", "uint08", "int0", "bytes33", "bytes0", "uint8[0]", "uint8[x]", "uint8]", "Foo Bar", "T[01]"] {
            #expect(throws: TypedDataError.invalidFieldType(type: "T", field: "a", fieldType: bad)) { try oneField(bad, "1") }
        }
        #expect(throws: TypedDataError.duplicateField(type: "T", field: "a")) {
            try TypedData(json: document(#"{"T":[{"name":"a","type":"uint8"},{"name":"a","type":"bool"}]}"#, #"{"a":1}"#))
        }
        #expect(throws: TypedDataError.invalidFieldName(type: "T", field: "a b")) {
            try TypedData(json: document(#"{"T":[{"name":"a b","type":"uint8"}]}"#, "{}"))
        }
        #expect(throws: TypedDataError.invalidTypeName("uint256")) {
            try TypedData(json: document(#"{"uint256":[]}"#, "{}", primary: "uint256"))
        }
        #expect(throws: TypedDataError.invalidTypeName("My-Type")) {
            try TypedData(json: document(#"{"My-Type":[]}"#, "{}", primary: "My-Type"))
        }
        #expect(throws: TypedDataError.unknownPrimaryType("'X' is not defined in types")) {
            try TypedData(json: document(#"{"T":[]}"#, "{}", primary: "X"))
        }
        #expect(throws: TypedDataError.unknownPrimaryType("is not given and cannot be derived (candidates: A, B)")) {
            try TypedData(json: #"{"types":{"A":[],"B":[]},"domain":{},"message":{}}"#)
        }
        #expect(throws: TypedDataError.malformedDocument("EIP712Domain is built from the domain; leave it out of types here")) {
            try TypedData(types: ["EIP712Domain": []], primaryType: "EIP712Domain", domain: EIP712Domain(), message: [:])
        }
    }

    @Test func documentAndDomainErrors() {
        #expect(throws: TypedDataError.invalidJSON(.unexpectedEnd)) { try TypedData(json: #"{"types":"#) }
        #expect(throws: TypedDataError.malformedDocument(
            "unknown top-level member 'primarytype' (expected types, primaryType, domain, message)"
        )) {
            try TypedData(json: #"{"types":{"T":[]},"primarytype":"T","domain":{},"message":{}}"#)
        }
        #expect(throws: TypedDataError.malformedDocument("'message' is missing")) {
            try TypedData(json: #"{"types":{"T":[]},"primaryType":"T","domain":{}}"#)
        }
        #expect(throws: TypedDataError.unknownDomainField("chain")) {
            try TypedData(json: document(#"{"T":[]}"#, "{}", domain: #"{"chain":1}"#))
        }
        #expect(throws: TypedDataError.outOfRange(path: "domain.chainId", type: "uint256", value: "-1")) {
            try TypedData(json: document(#"{"T":[]}"#, "{}", domain: #"{"chainId":-1}"#))
        }
        // Declared in another order than the standard one: eth-account and MetaMask would disagree.
        #expect(throws: TypedDataError.domainTypeMismatch(
            "declares (uint256 chainId,string name) but the domain implies EIP712Domain(string name,uint256 chainId)"
        )) {
            try TypedData(json: document(
                #"{"EIP712Domain":[{"name":"chainId","type":"uint256"},{"name":"name","type":"string"}],"T":[]}"#,
                "{}", domain: #"{"chainId":1,"name":"x"}"#))
        }
        #expect(throws: TypedDataError.domainTypeMismatch(
            "declares (string name) but the domain implies EIP712Domain(string name,uint256 chainId)"
        )) {
            try TypedData(json: document(
                #"{"EIP712Domain":[{"name":"name","type":"string"}],"T":[]}"#, "{}", domain: #"{"chainId":1,"name":"x"}"#))
        }
    }

    @Test func valueErrors() {
        #expect(throws: TypedDataError.missingValue(path: "message.b", type: "string")) {
            try TypedData(json: document(#"{"T":[{"name":"a","type":"uint8"},{"name":"b","type":"string"}]}"#, #"{"a":1}"#))
        }
        #expect(throws: TypedDataError.missingValue(path: "message.a", type: "uint8")) { try oneField("uint8", "null") }
        #expect(throws: TypedDataError.outOfRange(path: "message.a", type: "uint8", value: "256")) { try oneField("uint8", "256") }
        #expect(throws: TypedDataError.outOfRange(path: "message.a", type: "uint8", value: "-1")) { try oneField("uint8", "-1") }
        #expect(throws: TypedDataError.outOfRange(path: "message.a", type: "int8", value: "128")) { try oneField("int8", "128") }
        #expect(throws: TypedDataError.outOfRange(path: "message.a", type: "int8", value: "'-129'")) { try oneField("int8", #""-129""#) }
        #expect(throws: TypedDataError.outOfRange(path: "message.a", type: "uint64", value: "'0x10000000000000000'")) {
            try oneField("uint64", #""0x10000000000000000""#)
        }
        // 2^256 does not fit even before the type's own range.
        #expect(throws: TypedDataError.self) {
            try oneField("uint256", #""115792089237316195423570985008687907853269984665640564039457584007913129639936""#)
        }
        for (type, value, reason) in [
            ("uint8", "1.5", "1.5 is not an integer"), ("uint8", "1e3", "1e3 is not an integer"),
            ("uint8", #""12a""#, "'12a' is not an integer"), ("int8", #""-0x1""#, "'-0x1' is not an integer"),
            ("uint8", #"" 1""#, "' 1' is not an integer"), ("uint8", "true", "expected an integer, got a boolean"),
            ("bool", #""true""#, "expected true or false, got 'true'"), ("string", "1", "expected a string, got 1"),
            ("bytes", #""dead""#, "expected 0x-prefixed hex, got 'dead'"),
            ("bytes2", #""0xabc""#, HexError.oddLength(3).description),
            ("address", #""0xcd2a3d9f938e13cd947ec05abc7fe734df8dd8""#, AddressError.wrongLength(19).description),
            ("address", "1", "expected a 0x-prefixed hex string, got 1"),
            ("uint8[]", "1", "expected an array, got a number"),
        ] {
            #expect(throws: TypedDataError.invalidValue(path: "message.a", type: type, reason: reason)) { try oneField(type, value) }
        }
        let badChecksum = AddressError.badChecksum(
            given: "0xCD2A3d9F938E13CD947Ec05AbC7FE734Df8DD826", expected: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
        #expect(throws: TypedDataError.invalidValue(path: "message.a", type: "address", reason: badChecksum.description)) {
            try oneField("address", #""0xCD2A3d9F938E13CD947Ec05AbC7FE734Df8DD826""#)
        }
        #expect(throws: TypedDataError.wrongByteCount(path: "message.a", type: "bytes4", expected: 4, actual: 3)) {
            try oneField("bytes4", #""0x010203""#)
        }
        #expect(throws: TypedDataError.wrongArrayLength(path: "message.a", type: "uint8[2]", expected: 2, actual: 1)) {
            try oneField("uint8[2]", "[1]")
        }
        #expect(throws: TypedDataError.wrongArrayLength(path: "message.a[1]", type: "uint8[2]", expected: 2, actual: 3)) {
            try oneField("uint8[2][]", "[[1,2],[1,2,3]]")
        }
        #expect(throws: TypedDataError.invalidValue(path: "value", type: "T", reason: "expected an object, got an array")) {
            try oneField("uint8", "1").hashStruct("T", value: []).hex
        }
        // Paths run through structs and arrays.
        #expect(throws: TypedDataError.outOfRange(path: "message.items[1].id", type: "uint16", value: "70000")) {
            try TypedData(json: document(
                #"{"T":[{"name":"items","type":"Item[]"}],"Item":[{"name":"id","type":"uint16"}]}"#,
                #"{"items":[{"id":1},{"id":70000}]}"#))
        }
    }

    @Test func integerBoundsAreInclusive() throws {
        let edges: [(String, String, String)] = [
            ("int8", "-128", "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80"),
            ("int8", "127", "0x000000000000000000000000000000000000000000000000000000000000007f"),
            ("int16", #""-1""#, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
            ("uint8", "255", "0x00000000000000000000000000000000000000000000000000000000000000ff"),
            ("int256", #""-0""#, "0x0000000000000000000000000000000000000000000000000000000000000000"),
        ]
        for (type, value, word) in edges {
            let typed = try oneField(type, value)
            #expect(try typed.encodeData("T", value: typed.message).hexString.hasSuffix(String(word.dropFirst(2))))
        }
    }

    // MARK: - JSON values

    @Test func jsonParsesEveryKindExactly() throws {
        let text = #" {"a":[0,-12,2.5e-3,true,false,null],"s":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude80é","big":115792089237316195423570985008687907853269984665640564039457584007913129639935} "#
        let value = try JSONValue(parsing: text)
        #expect(value == [
            "a": [.number("0"), .number("-12"), .number("2.5e-3"), true, false, nil],
            "s": "x\"\\/\u{08}\u{0C}\n\r\té🚀é",
            "big": .number("115792089237316195423570985008687907853269984665640564039457584007913129639935"),
        ])
        #expect(try JSONValue(parsing: value.serialized) == value)
        #expect(JSONValue.string("a\u{01}\"").serialized == #""a\u0001\"""#)
        #expect(JSONValue.serializedObject([(key: "z", value: 1), (key: "a", value: "b")]) == #"{"z":1,"a":"b"}"#)
    }

    @Test func jsonErrorsNameTheOffset() {
        #expect(throws: JSONError.duplicateKey("a", offset: 8)) { try JSONValue(parsing: #"{"a":1, "a":2}"#) }
        #expect(throws: JSONError.trailingCharacters(offset: 3)) { try JSONValue(parsing: "{} x") }
        #expect(throws: JSONError.trailingCharacters(offset: 1)) { try JSONValue(parsing: "01") }
        #expect(throws: JSONError.invalidNumber(offset: 0)) { try JSONValue(parsing: "-") }
        #expect(throws: JSONError.invalidNumber(offset: 0)) { try JSONValue(parsing: "1.") }
        #expect(throws: JSONError.unexpectedCharacter(UInt8(ascii: "}"), offset: 7)) { try JSONValue(parsing: #"{"a":1,}"#) }
        #expect(throws: JSONError.unexpectedCharacter(UInt8(ascii: "'"), offset: 0)) { try JSONValue(parsing: "'a'") }
        #expect(throws: JSONError.unexpectedEnd) { try JSONValue(parsing: "[1,") }
        #expect(throws: JSONError.unexpectedEnd) { try JSONValue(parsing: "") }
        #expect(throws: JSONError.invalidEscape(offset: 1)) { try JSONValue(parsing: #""\ud800""#) }
        #expect(throws: JSONError.invalidEscape(offset: 1)) { try JSONValue(parsing: #""\x""#) }
        #expect(throws: JSONError.controlCharacterInString(offset: 1)) { try JSONValue(parsing: "\"\n\"") }
        #expect(throws: JSONError.invalidUTF8(offset: 1)) { try JSONValue(parsing: [0x22, 0xC0, 0x80, 0x22]) }
        #expect(throws: JSONError.invalidUTF8(offset: 1)) { try JSONValue(parsing: [0x22, 0xED, 0xA0, 0x80, 0x22]) }
        #expect(throws: JSONError.invalidUTF8(offset: 1)) { try JSONValue(parsing: [0x22, 0xE2, 0x82]) }
        // Nesting is bounded, so hostile input cannot exhaust the stack.
        let limit = 64
        #expect(throws: Never.self) { try JSONValue(parsing: String(repeating: "[", count: limit) + String(repeating: "]", count: limit)) }
        #expect(throws: JSONError.tooDeep(limit: limit, offset: limit)) {
            try JSONValue(parsing: String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1))
        }
    }
}
