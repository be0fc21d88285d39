import Ethereum

/// PoCo's identifier and commitment formulas (`abi.encodePacked`, then Keccak-256), as iExec's
/// contracts and workers compute them (`poco-abi.md` §4.1).
public enum PoCoIds {
    /// keccak256(requestHash ‖ uint256 consumed): the request order's consumed volume before the match.
    public static func dealId(requestHash: Hash32, consumed: UInt256) -> Hash32 {
        Keccak256.hash(requestHash.bytes + consumed.bigEndianBytes)
    }

    /// keccak256(dealid ‖ uint256 idx).
    public static func taskId(dealid: Hash32, index: UInt256) -> Hash32 {
        Keccak256.hash(dealid.bytes + index.bigEndianBytes)
    }

    /// A worker's commitment to a result: keccak256(taskid ‖ resultDigest).
    public static func resultHash(taskid: Hash32, resultDigest: Hash32) -> Hash32 {
        Keccak256.hash(taskid.bytes + resultDigest.bytes)
    }

    /// The worker-bound seal: keccak256(worker ‖ taskid ‖ resultDigest).
    public static func resultSeal(worker: Address, taskid: Hash32, resultDigest: Hash32) -> Hash32 {
        Keccak256.hash(worker.bytes + taskid.bytes + resultDigest.bytes)
    }

    /// What the scheduler signs (EIP-191) to let `worker` contribute: keccak256(worker ‖ taskid ‖ enclaveChallenge).
    public static func authorizationHash(worker: Address, taskid: Hash32, enclaveChallenge: Address) -> Hash32 {
        Keccak256.hash(worker.bytes + taskid.bytes + enclaveChallenge.bytes)
    }

    /// What an enclave signs (EIP-191) over a contribution: keccak256(resultHash ‖ resultSeal).
    public static func enclaveHash(resultHash: Hash32, resultSeal: Hash32) -> Hash32 {
        Keccak256.hash(resultHash.bytes + resultSeal.bytes)
    }
}
