import Chain
import Ethereum
import Testing

/// The trie root against ethereum/tests' TrieTests vectors (trietest.json, trieanyorder.json) and
/// against py-trie 4.0.0 (`trie.HexaryTrie`), which computed every other root pasted here.
@Suite struct MerklePatriciaTrieTests {
    typealias Entry = (key: [UInt8], value: [UInt8])

    /// A test vector's key or value: 0x-hex, or else the text's UTF-8; nil is a deletion.
    static func field(_ text: String?) -> [UInt8] {
        guard let text else { return [] }
        if text.hasPrefix("0x"), let bytes = try? Hex.decode(text) { return bytes }
        return Array(text.utf8)
    }

    static func entries(_ pairs: [(String, String?)]) -> [Entry] {
        pairs.map { (key: field($0.0), value: field($0.1)) }
    }

    @Test func emptyTrieRoot() throws {
        let expected = try Hash32(hex: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        #expect(MerklePatriciaTrie.emptyRoot == expected)
        #expect(MerklePatriciaTrie.root(of: []) == expected)
        #expect(MerklePatriciaTrie.orderedRoot([]) == expected)
    }

    /// trieanyorder.json "dogs" and the Yellow Paper-style {do, dog, doge, horse} example.
    @Test func dogs() throws {
        let root = MerklePatriciaTrie.root(of: Self.entries([
            ("doe", "reindeer"), ("dog", "puppy"), ("dogglesworth", "cat"),
        ]))
        #expect(root == (try Hash32(hex: "0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3")))
        let dogs = MerklePatriciaTrie.root(of: Self.entries([
            ("do", "verb"), ("dog", "puppy"), ("doge", "coin"), ("horse", "stallion"),
        ]))
        #expect(dogs == (try Hash32(hex: "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84")))
    }

    /// trietest.json "emptyValues": deletions by empty value, in insertion order.
    @Test func emptyValues() throws {
        let root = MerklePatriciaTrie.root(of: Self.entries([
            ("do", "verb"), ("ether", "wookiedoo"), ("horse", "stallion"), ("shaman", "horse"),
            ("doge", "coin"), ("ether", nil), ("dog", "puppy"), ("shaman", nil),
        ]))
        #expect(root == (try Hash32(hex: "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84")))
    }

    /// trietest.json "branchingTests": 25 keys inserted then all deleted leave the empty trie.
    @Test func branchingTests() throws {
        let keys = [
            "0x04110d816c380812a427968ece99b1c963dfbce6", "0x095e7baea6a6c7c4c2dfeb977efac326af552d87",
            "0x0a517d755cebbf66312b30fff713666a9cb917e0", "0x24dd378f51adc67a50e339e8031fe9bd4aafab36",
            "0x293f982d000532a7861ab122bdc4bbfd26bf9030", "0x2cf5732f017b0cf1b1f13a1478e10239716bf6b5",
            "0x31c640b92c21a1f1465c91070b4b3b4d6854195f", "0x37f998764813b136ddf5a754f34063fd03065e36",
            "0x37fa399a749c121f8a15ce77e3d9f9bec8020d7a", "0x4f36659fa632310b6ec438dea4085b522a2dd077",
            "0x62c01474f089b07dae603491675dc5b5748f7049", "0x729af7294be595a0efd7d891c9e51f89c07950c7",
            "0x83e3e5a16d3b696a0314b30b2534804dd5e11197", "0x8703df2417e0d7c59d063caa9583cb10a4d20532",
            "0x8dffcd74e5b5923512916c6a64b502689cfa65e1", "0x95a4d7cccb5204733874fa87285a176fe1e9e240",
            "0x99b2fcba8120bedd048fe79f5262a6690ed38c39", "0xa4202b8b8afd5354e3e40a219bdc17f6001bf2cf",
            "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "0xa9647f4a0a14042d91dc33c0328030a7157c93ae",
            "0xaa6cffe5185732689c18f37a7f86170cb7304c2a", "0xaae4a2e3c51c04606dcb3723456e58f3ed214f45",
            "0xc37a43e940dfb5baf581a0b82b351d48305fc885", "0xd2571607e241ecf590ed94b12d87c94babe36db6",
            "0xf735071cbee190d76b704ce68384fc21e389fbe7",
        ]
        let inserted = Self.entries(keys.map { ($0, Optional("something")) })
        #expect(MerklePatriciaTrie.root(of: inserted) != MerklePatriciaTrie.emptyRoot)
        let root = MerklePatriciaTrie.root(of: inserted + Self.entries(keys.map { ($0, nil) }))
        #expect(root == MerklePatriciaTrie.emptyRoot)
    }

    /// trietest.json "jeff".
    @Test func jeff() throws {
        let root = MerklePatriciaTrie.root(of: Self.entries([
            ("0x0000000000000000000000000000000000000000000000000000000000000045", "0x22b224a1420a802ab51d326e29fa98e34c4f24ea"),
            ("0x0000000000000000000000000000000000000000000000000000000000000046", "0x67706c2076330000000000000000000000000000000000000000000000000000"),
            ("0x0000000000000000000000000000000000000000000000000000001234567890", "0x697c7b8c961b56f675d570498424ac8de1a918f6"),
            ("0x000000000000000000000000697c7b8c961b56f675d570498424ac8de1a918f6", "0x1234567890"),
            ("0x0000000000000000000000007ef9e639e2733cb34e4dfc576d4b23f72db776b2", "0x4655474156000000000000000000000000000000000000000000000000000000"),
            ("0x000000000000000000000000ec4f34c97e43fbb2816cfd95e388353c7181dab1", "0x4e616d6552656700000000000000000000000000000000000000000000000000"),
            ("0x4655474156000000000000000000000000000000000000000000000000000000", "0x7ef9e639e2733cb34e4dfc576d4b23f72db776b2"),
            ("0x4e616d6552656700000000000000000000000000000000000000000000000000", "0xec4f34c97e43fbb2816cfd95e388353c7181dab1"),
            ("0x0000000000000000000000000000000000000000000000000000001234567890", nil),
            ("0x000000000000000000000000697c7b8c961b56f675d570498424ac8de1a918f6", "0x6f6f6f6820736f2067726561742c207265616c6c6c793f000000000000000000"),
            ("0x6f6f6f6820736f2067726561742c207265616c6c6c793f000000000000000000", "0x697c7b8c961b56f675d570498424ac8de1a918f6"),
        ]))
        #expect(root == (try Hash32(hex: "0x9f6221ebb8efe7cff60a716ecb886e67dd042014be444669f0159d8e68b42100")))
    }

    /// trietest.json "insert-middle-leaf": keys that are prefixes of others (branch values).
    @Test func insertMiddleLeaf() throws {
        let root = MerklePatriciaTrie.root(of: Self.entries([
            ("key1aa", "0123456789012345678901234567890123456789xxx"),
            ("key1", "0123456789012345678901234567890123456789Very_Long"),
            ("key2bb", "aval3"), ("key2", "short"), ("key3cc", "aval3"),
            ("key3", "1234567890123456789012345678901"),
        ]))
        #expect(root == (try Hash32(hex: "0xcb65032e2f76c48b82b5c24b3db8f670ce73982869d38cd39a624f23d62a9e89")))
    }

    /// Set `s` of the py-trie comparison: 1…60 insertions of short keys over the bytes 0…3 (many
    /// shared prefixes, keys prefixing others, the empty key, repeats) with 0…39-byte values, an
    /// empty value deleting its key.
    static func randomEntries(_ s: Int) -> [Entry] {
        let count = 1 + Int(ReferenceBytes.make("count\(s)", 1)[0]) % 60
        return (0..<count).map { i in
            let h = ReferenceBytes.make("key\(s).\(i)", 8)
            let key = h[1..<(1 + Int(h[0]) % 5)].map { $0 % 4 }
            let valueLength = Int(ReferenceBytes.make("vlen\(s).\(i)", 1)[0]) % 40
            return (key: key, value: ReferenceBytes.make("val\(s).\(i)", valueLength))
        }
    }

    /// Roots of `randomEntries(0…19)`, from py-trie.
    static let randomRoots = [
        "0x39adef426439f18f62f9c21ddf3d12950573a68ab777de5a8cffe2e00502030c",
        "0xdbdda98a8157bf898fc9f8c972cfb934e7da2ce1b8e2365f4c44c659e85aeaf5",
        "0x4c41467b80efb41f34e2de1b3bbf23bb4f86765f4222384a44303b99149ddbaa",
        "0xd8ab4a879148f870e57bb42cbd4b7d5d5faa53fa6cd0202d5addb806f0b4deb4",
        "0x89ef47ab5e9797cb412903e889537f33cb2930904572fb2e0aba9d4377c50bff",
        "0x4613c33a24f767d202be8689db06ad82b1ccf999ef4154389542eb11db3a48d0",
        "0xae5fba1793bb860f2c1154ce3a1f127fea346965e256cbbffde3afa36d38d4ab",
        "0x0bca696648be5a59cc552a77880b05bdb7eae708c1bce92bc97d4ff09665d578",
        "0x30cd0db5fd5b15fad3d9afd9132bae602ee50681694f848314fbeccb43b0cfef",
        "0xf864303e15da84edeb5e6fee3d254e7573789a47863c680181691926c02a4504",
        "0x37627a038d4d03b576a64e19e5ae936ceebf4773c868dff834adaa30479005df",
        "0x253195efd329aef4103ef272649ed3cad29f2bdd823d3f07ef10444a8f9b341f",
        "0x217334c94ca7df8a6a85ab19f1e17b624e0acec408a0bde046985bd829c6cbe9",
        "0x42bba8617aa2deb802b7ab4e76ea1ff049e04781cc1e136769372e0b550b5b00",
        "0xc761046bd264f8333ba66dfe0d3ba2676bb541cbf6f7a808764cca3e887ddb3e",
        "0x420c9a267ad6fbf3bf03c297164fafc5779e077f84788953459494a0e106cd06",
        "0xa55e3a680c8e99f733698e63920d8c55edf21e1f02188982547af9e1a6e3e027",
        "0xc8782faf3895c6d5f7668fc9be2203ae34bacb48b977c8ee003dfa475c53b345",
        "0x7642e52433376a2cf3f13e3579c36539b4706364ce4a0735c97511ff2435ecc7",
        "0x54abd76302815bd1117d886dcb465d407c91670134cc96686923397006579d44",
    ]

    @Test(arguments: 0..<20) func randomSetMatchesPyTrie(s: Int) throws {
        #expect(MerklePatriciaTrie.root(of: Self.randomEntries(s)) == (try Hash32(hex: Self.randomRoots[s])))
    }

    /// (count, root): values[i] = ReferenceBytes.make("tx\(i)", 1 + i * 7 % 150) under RLP(i), as
    /// transactionsRoot stores them; py-trie's roots. 127/128/129 cross RLP's one-byte limits.
    static let orderedRoots: [(Int, String)] = [
        (0, "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"),
        (1, "0x83a99925ff21f811a238cf3863e5fde2eed627773bbe10110c2f712b634c2982"),
        (2, "0x1b428465052d480ff8ea1b27fd93ba273bc226cadf0536dc4075a20fc1841b60"),
        (16, "0x5aad2caa9042f35ddabd3c66caf485c5d6224aa2773a1b1f505e2bffceef3985"),
        (127, "0x2855b29eff100fbbb0449c021fc11aa290ec5371969c14a568c1132c59799424"),
        (128, "0x6174d293aadd8db095a02cdb3a28274b6c09d36dd6676b687c7c303b1c7f54ce"),
        (129, "0x326e6230be46122369e1bb7a4e0c923d78a834f203085a85f75a307f62f9bb0c"),
        (300, "0x5a46e44dae31e2db3c8cdc3e5ce546cd5ebc522835e4536dd14289b68f1ef62b"),
    ]

    @Test func orderedRootMatchesPyTrie() throws {
        for (count, hex) in Self.orderedRoots {
            let values = (0..<count).map { ReferenceBytes.make("tx\($0)", 1 + ($0 * 7) % 150) }
            #expect(MerklePatriciaTrie.orderedRoot(values) == (try Hash32(hex: hex)), "count \(count)")
        }
    }

    /// Insertion order matters only through repeats and deletions: a permutation of distinct keys
    /// gives the same root, and a repeated key keeps its last value.
    @Test func orderOfDistinctKeysIsIrrelevant() {
        let entries = Self.entries([("do", "verb"), ("dog", "puppy"), ("doge", "coin"), ("horse", "stallion")])
        #expect(MerklePatriciaTrie.root(of: entries.reversed()) == MerklePatriciaTrie.root(of: entries))
        let overwritten = Self.entries([("dog", "cat")]) + entries
        #expect(MerklePatriciaTrie.root(of: overwritten) == MerklePatriciaTrie.root(of: entries))
    }
}
