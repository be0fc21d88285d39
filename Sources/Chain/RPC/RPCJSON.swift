import Ethereum

/// How the node's records read in JSON-RPC, as geth renders them: quantities as minimal `0x`-hex,
/// data and hashes as `0x`-hex, addresses in lowercase hex.
public enum RPCJSON {
    /// A QUANTITY: `0x` + hex without leading zeros (`0x0` for zero).
    public static func quantity(_ value: UInt64) -> JSONValue { .string("0x" + String(value, radix: 16)) }

    /// A QUANTITY of up to 256 bits.
    public static func quantity(_ value: UInt256) -> JSONValue { .string(value.hexString) }

    /// A QUANTITY from a (non-negative) index or size.
    public static func quantity(_ value: Int) -> JSONValue { quantity(UInt64(clamping: value)) }

    /// DATA: `0x` + hex of every byte.
    public static func data(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes)) }

    /// An address in lowercase hex.
    public static func address(_ address: Address) -> JSONValue { .string(address.lowercaseHex) }

    /// A 32-byte hash.
    public static func hash(_ hash: Hash32) -> JSONValue { .string(hash.hex) }

    /// The header fields of a block, as `eth_subscribe("newHeads")` sends them.
    public static func header(_ block: StoredBlock) -> [String: JSONValue] {
        let header = block.header
        return [
            "hash": hash(block.hash),
            "parentHash": hash(header.parentHash),
            "sha3Uncles": hash(BlockHeader.emptyOmmersHash),
            "miner": address(header.miner),
            "stateRoot": hash(header.stateRoot),
            "transactionsRoot": hash(header.transactionsRoot),
            "receiptsRoot": hash(header.receiptsRoot),
            "logsBloom": data(header.logsBloom.bytes),
            "difficulty": quantity(0 as UInt64),
            "number": quantity(header.number),
            "gasLimit": quantity(header.gasLimit),
            "gasUsed": quantity(header.gasUsed),
            "timestamp": quantity(header.timestamp),
            "extraData": data(header.extraData),
            "mixHash": hash(.zero),
            "nonce": data([UInt8](repeating: 0, count: 8)),
            "baseFeePerGas": quantity(0 as UInt64),
        ]
    }

    /// A block as `eth_getBlockByNumber` returns it; `transactions` are hashes or full objects.
    public static func block(_ block: StoredBlock, transactions: [JSONValue]) -> JSONValue {
        var members = header(block)
        members["totalDifficulty"] = quantity(0 as UInt64)
        members["size"] = quantity(block.size)
        members["transactions"] = .array(transactions)
        members["uncles"] = .array([])
        return .object(members)
    }

    /// Where a mined transaction sits; nil for a pending one.
    public struct Location: Hashable, Sendable {
        /// The block's hash.
        public var blockHash: Hash32
        /// The block's number.
        public var blockNumber: UInt64
        /// The transaction's index in the block.
        public var index: Int

        /// A location from its parts.
        public init(blockHash: Hash32, blockNumber: UInt64, index: Int) {
            self.blockHash = blockHash
            self.blockNumber = blockNumber
            self.index = index
        }
    }

    /// A transaction as geth renders it for its type: legacy with `gasPrice` and the EIP-155 `v`;
    /// types 1 and 2 with `chainId`, `accessList`, `yParity` (and `v` equal to it); type 2 with its
    /// fee caps and, once mined, the effective gas price (0: this chain charges no gas).
    public static func transaction(_ signed: SignedTransaction, sender: Address, at location: Location?) -> JSONValue {
        let transaction = signed.transaction
        var members: [String: JSONValue] = [
            "hash": hash(signed.hash),
            "from": address(sender),
            "to": transaction.to.map(address) ?? .null,
            "nonce": quantity(transaction.nonce),
            "gas": quantity(transaction.gasLimit),
            "value": quantity(transaction.value),
            "input": data(transaction.data),
            "type": quantity(UInt64(signed.type.rawValue)),
            "v": quantity(signed.v),
            "r": quantity(UInt256(minimalBytes: signed.signature.r)),
            "s": quantity(UInt256(minimalBytes: signed.signature.s)),
            "blockHash": location.map { hash($0.blockHash) } ?? .null,
            "blockNumber": location.map { quantity($0.blockNumber) } ?? .null,
            "transactionIndex": location.map { quantity($0.index) } ?? .null,
        ]
        switch transaction {
        case .legacy(let legacy):
            members["gasPrice"] = quantity(legacy.gasPrice)
            if let chainId = legacy.chainId { members["chainId"] = quantity(chainId) }
        case .eip2930(let typed):
            members["gasPrice"] = quantity(typed.gasPrice)
            members["chainId"] = quantity(typed.chainId)
            members["accessList"] = accessList(typed.accessList)
            members["yParity"] = quantity(UInt64(signed.signature.yParity))
        case .eip1559(let typed):
            members["gasPrice"] = location == nil ? quantity(typed.maxFeePerGas) : quantity(0 as UInt64)
            members["maxFeePerGas"] = quantity(typed.maxFeePerGas)
            members["maxPriorityFeePerGas"] = quantity(typed.maxPriorityFeePerGas)
            members["chainId"] = quantity(typed.chainId)
            members["accessList"] = accessList(typed.accessList)
            members["yParity"] = quantity(UInt64(signed.signature.yParity))
        }
        return .object(members)
    }

    /// A mined transaction with its position.
    public static func transaction(_ stored: StoredTransaction) -> JSONValue {
        transaction(stored.included.transaction, sender: stored.included.sender,
                    at: Location(blockHash: stored.blockHash, blockNumber: stored.blockNumber, index: stored.index))
    }

    /// `[{address, storageKeys}]`.
    static func accessList(_ list: AccessList) -> JSONValue {
        .array(list.entries.map { entry in
            .object(["address": address(entry.address), "storageKeys": .array(entry.storageKeys.map(hash))])
        })
    }

    /// A receipt as `eth_getTransactionReceipt` returns it, with Hardhat's `revertReason` when it reverted.
    public static func receipt(_ stored: StoredTransaction) -> JSONValue {
        let included = stored.included
        let outcome = included.outcome
        var members: [String: JSONValue] = [
            "transactionHash": hash(stored.hash),
            "transactionIndex": quantity(stored.index),
            "blockHash": hash(stored.blockHash),
            "blockNumber": quantity(stored.blockNumber),
            "from": address(included.sender),
            "to": included.transaction.transaction.to.map(address) ?? .null,
            "contractAddress": .null,
            "cumulativeGasUsed": quantity(outcome.cumulativeGasUsed),
            "gasUsed": quantity(outcome.gasUsed),
            "effectiveGasPrice": quantity(0 as UInt64),
            "logs": .array(stored.logs.map(log)),
            "logsBloom": data(LogsBloom(logs: outcome.logs).bytes),
            "status": quantity(outcome.succeeded ? 1 as UInt64 : 0),
            "type": quantity(UInt64(included.transaction.type.rawValue)),
        ]
        if let reason = outcome.revertReason, !outcome.succeeded { members["revertReason"] = .string(reason) }
        return .object(members)
    }

    /// A log with all its positional fields, as `eth_getLogs` returns it.
    public static func log(_ stored: StoredLog) -> JSONValue {
        .object([
            "address": address(stored.log.address),
            "topics": .array(stored.log.topics.map(hash)),
            "data": data(stored.log.data),
            "blockNumber": quantity(stored.blockNumber),
            "blockHash": hash(stored.blockHash),
            "transactionHash": hash(stored.transactionHash),
            "transactionIndex": quantity(stored.transactionIndex),
            "logIndex": quantity(stored.logIndex),
            "removed": .bool(false),
        ])
    }
}

extension UInt256 {
    /// The value of at most 32 big-endian bytes (a signature's r or s); larger input keeps its last 32.
    init(minimalBytes bytes: [UInt8]) {
        self = (try? UInt256(bigEndian: Array(bytes.suffix(32)))) ?? .zero
    }
}
