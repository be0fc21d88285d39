import Chain
import Ethereum
import PoCo

/// A pre-signed, mixed PoCo workload for the chain benchmark: many senders, each with a chain of
/// transactions cycling through escrow, token, registry and plain-transfer calls.
struct ChainWorkload {
    /// The kinds of transaction in the mix, in the order each sender cycles through them.
    enum Kind: String, CaseIterable {
        case deposit, tokenTransfer, approve, withdraw, nativeTransfer, createApp
    }

    let genesis: Genesis
    /// How many accounts sign the transactions.
    let senders: Int
    /// Every transaction's raw bytes, interleaved across senders (round robin by nonce), so that
    /// batches carry many senders and every nonce is sent after its predecessor.
    let raws: [[UInt8]]
    /// The hashes, aligned with `raws`.
    let hashes: [Hash32]
    /// How many transactions of each kind.
    let mix: [Kind: Int]

    /// `senders` accounts (deterministic keys), `perSender` transactions each, all pre-signed.
    static func make(senders: Int, perSender: Int) async -> ChainWorkload {
        let keys = (0..<senders).map { index in
            // keccak of a label is a valid secp256k1 scalar with overwhelming probability; retry if not.
            var counter = 0
            while true {
                if let key = try? PrivateKey(Keccak256.hash("iexec-bench chain sender \(index) \(counter)").bytes) { return key }
                counter += 1
            }
        }
        let funded = UInt256(1_000_000) * UInt256(1_000_000_000_000_000_000 as UInt64)
        let genesis = Genesis(chainId: Genesis.devChainId, governance: keys[0].address,
                              accounts: keys.map { GenesisAccount(address: $0.address, balance: funded) })
        // Each sender's chain is signed in a child task: signing is the costly part of the setup.
        let chains = await withTaskGroup(of: (Int, [SignedTransaction]).self) { group in
            for index in keys.indices {
                group.addTask {
                    let key = keys[index]
                    let peer = keys[(index + 1) % keys.count].address
                    let transactions = (0..<perSender).map { nonce in
                        transaction(Kind.allCases[nonce % Kind.allCases.count], nonce: UInt64(nonce), key: key,
                                    peer: peer, genesis: genesis)
                    }
                    return (index, transactions)
                }
            }
            var chains = [[SignedTransaction]](repeating: [], count: keys.count)
            for await (index, chain) in group { chains[index] = chain }
            return chains
        }
        var ordered: [SignedTransaction] = []
        ordered.reserveCapacity(senders * perSender)
        for nonce in 0..<perSender { for chain in chains { ordered.append(chain[nonce]) } }
        var mix: [Kind: Int] = [:]
        for nonce in 0..<perSender { mix[Kind.allCases[nonce % Kind.allCases.count], default: 0] += senders }
        return ChainWorkload(genesis: genesis, senders: senders, raws: ordered.map(\.rawBytes),
                             hashes: ordered.map(\.hash), mix: mix)
    }

    private static func transaction(_ kind: Kind, nonce: UInt64, key: PrivateKey, peer: Address,
                                    genesis: Genesis) -> SignedTransaction {
        let oneRLC = UInt256(1_000_000_000_000_000_000 as UInt64)
        let (to, value, data): (Address, UInt256, [UInt8])
        switch kind {
        case .deposit: (to, value, data) = (genesis.hub, oneRLC, call("deposit()", []))
        case .tokenTransfer: (to, value, data) = (genesis.hub, .zero, call("transfer(address,uint256)", [.address(peer), .uint(1_000)]))
        case .approve: (to, value, data) = (genesis.hub, .zero, call("approve(address,uint256)", [.address(peer), .uint(UInt256(nonce))]))
        case .withdraw: (to, value, data) = (genesis.hub, .zero, call("withdraw(uint256)", [.uint(500)]))
        case .nativeTransfer: (to, value, data) = (peer, UInt256(nonce + 1), [])
        case .createApp:
            (to, value, data) = (genesis.appRegistry, .zero, call(
                "createApp(address,string,string,bytes,bytes32,bytes)",
                [.address(key.address), .string("bench-app-\(key.address.lowercaseHex)-\(nonce)"), .string("WASM"),
                 .bytes(Array("/storage/blobs/app".utf8)), .fixedBytes(Keccak256.hash("app \(nonce)").bytes), .bytes([])]))
        }
        return EIP1559Transaction(chainId: genesis.chainId, nonce: nonce, maxPriorityFeePerGas: .zero, maxFeePerGas: .zero,
                                  gasLimit: 1_000_000, to: to, value: value, data: data).sign(with: key)
    }

    private static func call(_ signature: String, _ arguments: [ABIValue]) -> [UInt8] {
        do { return try ABIFunction(signature).encodeCall(arguments) } catch {
            preconditionFailure("bench calldata \(signature): \(error)")
        }
    }
}
