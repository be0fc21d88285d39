import Ethereum

// The inverses of the `abiValue`s of ViewABIValues.swift: the structs PoCo views return, read back
// from their decoded ABI tuples (`poco-abi.md` §4). A value of the wrong shape throws
// `PoCoDecodingError` naming the struct and the field.

extension TupleReader {
    /// A field that is an enum's uint8 raw value.
    func status<Status: RawRepresentable>(_ index: Int, as type: Status.Type) throws(PoCoDecodingError) -> Status
        where Status.RawValue == UInt8 {
        let code = try uint(index)
        guard code <= UInt256(UInt64(UInt8.max)), let status = Status(rawValue: UInt8(code.w0)) else {
            throw PoCoDecodingError("\(name).\(index): \(code) is not a known \(Status.self)")
        }
        return status
    }

    /// A field that is an `address[]`.
    func addresses(_ index: Int) throws(PoCoDecodingError) -> [Address] {
        guard let elements = items[index].elements else { throw PoCoDecodingError("\(name).\(index): expected address[]") }
        var result: [Address] = []
        for element in elements {
            guard let address = element.addressValue else {
                throw PoCoDecodingError("\(name).\(index): expected address[]")
            }
            result.append(address)
        }
        return result
    }

    /// A nested tuple field.
    func tuple(_ index: Int, name field: String, count: Int) throws(PoCoDecodingError) -> TupleReader {
        try TupleReader(items[index], name: "\(name).\(field)", count: count)
    }
}

extension Resource {
    /// Reads a `(pointer, owner, price)` tuple.
    init(reader r: TupleReader) throws(PoCoDecodingError) {
        self.init(pointer: try r.address(0), owner: try r.address(1), price: try r.uint(2))
    }
}

extension Deal {
    /// Reads the `IexecLibCore_v5.Deal` tuple `viewDeal` returns.
    ///
    /// - Throws: `PoCoDecodingError` when the value is not a 16-field tuple of the Deal's types.
    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "deal", count: 16)
        self.init(app: try Resource(reader: try r.tuple(0, name: "app", count: 3)),
                  dataset: try Resource(reader: try r.tuple(1, name: "dataset", count: 3)),
                  workerpool: try Resource(reader: try r.tuple(2, name: "workerpool", count: 3)),
                  trust: try r.uint(3), category: try r.uint(4), tag: try r.hash(5), requester: try r.address(6),
                  beneficiary: try r.address(7), callback: try r.address(8), params: try r.string(9),
                  startTime: try r.uint(10), botFirst: try r.uint(11), botSize: try r.uint(12),
                  workerStake: try r.uint(13), schedulerRewardRatio: try r.uint(14), sponsor: try r.address(15))
    }
}

extension Task {
    /// Reads the `IexecLibCore_v5.Task` tuple `viewTask` returns.
    ///
    /// - Throws: `PoCoDecodingError` when the value is not a 15-field tuple of the Task's types or
    ///   its status is not a `TaskStatus`.
    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "task", count: 15)
        self.init(status: try r.status(0, as: TaskStatus.self), dealid: try r.hash(1), idx: try r.uint(2),
                  timeref: try r.uint(3), contributionDeadline: try r.uint(4), revealDeadline: try r.uint(5),
                  finalDeadline: try r.uint(6), consensusValue: try r.hash(7), revealCounter: try r.uint(8),
                  winnerCounter: try r.uint(9), contributors: try r.addresses(10), resultDigest: try r.hash(11),
                  results: try r.bytes(12), resultsTimestamp: try r.uint(13), resultsCallback: try r.bytes(14))
    }
}

extension Contribution {
    /// Reads the `IexecLibCore_v5.Contribution` tuple `viewContribution` returns.
    ///
    /// - Throws: `PoCoDecodingError` on a malformed tuple or an unknown status.
    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "contribution", count: 5)
        self.init(status: try r.status(0, as: ContributionStatus.self), resultHash: try r.hash(1),
                  resultSeal: try r.hash(2), enclaveChallenge: try r.address(3), weight: try r.uint(4))
    }
}

extension Account {
    /// Reads the `(stake, locked)` tuple `viewAccount` returns.
    ///
    /// - Throws: `PoCoDecodingError` unless it is a tuple of two uints.
    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "account", count: 2)
        self.init(balance: try r.uint(0), frozen: try r.uint(1))
    }
}

extension Category {
    /// Reads the `(name, description, workClockTimeRef)` tuple `viewCategory` returns.
    ///
    /// - Throws: `PoCoDecodingError` on a malformed tuple.
    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "category", count: 3)
        self.init(name: try r.string(0), description: try r.string(1), workClockTimeRef: try r.uint(2))
    }
}

extension App {
    /// Reads the `IexecLibCore_v5.AppInfo` tuple `viewApp` returns.
    ///
    /// - Throws: `PoCoDecodingError` on a malformed tuple.
    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "appInfo", count: 6)
        self.init(owner: try r.address(0), name: try r.string(1), type: try r.string(2), multiaddr: try r.bytes(3),
                  checksum: try r.hash(4), mrenclave: try r.bytes(5))
    }
}

extension Dataset {
    /// Reads the `IexecLibCore_v5.DatasetInfo` tuple `viewDataset` returns.
    ///
    /// - Throws: `PoCoDecodingError` on a malformed tuple.
    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "datasetInfo", count: 4)
        self.init(owner: try r.address(0), name: try r.string(1), multiaddr: try r.bytes(2), checksum: try r.hash(3))
    }
}

extension Workerpool {
    /// Reads the `IexecLibCore_v5.WorkerpoolInfo` tuple `viewWorkerpool` returns.
    ///
    /// - Throws: `PoCoDecodingError` on a malformed tuple.
    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "workerpoolInfo", count: 4)
        self.init(owner: try r.address(0), description: try r.string(1), workerStakeRatioPolicy: try r.uint(2),
                  schedulerRewardRatioPolicy: try r.uint(3))
    }
}
