import Ethereum

// iExec's `_computeDealVolume` (IexecPocoCommon): the volume a match of four orders has, given what
// each has consumed so far. matchOrders uses it for the deal's volume (0 → `iExecV5-matchOrders-0x60`)
// and the `computeDealVolume` view returns it.
extension PoCoEngine {
    /// `computeDealVolume`: min over the orders of `volume − consumed[order hash]`, the dataset order
    /// left out when its `dataset` is zero. Hashes are taken in `config.domain`.
    ///
    /// - Throws: `arithmeticOverflow` when an order has consumed more than its volume (Solidity's
    ///   checked subtraction; the engine never lets that happen).
    public func dealVolume(app: AppOrder, dataset: DatasetOrder, workerpool: WorkerpoolOrder,
                           request: RequestOrder) throws(PoCoError) -> UInt256 {
        let domain = config.domain
        return try dealVolume(app: app, appHash: app.hash(in: domain),
                              dataset: dataset, datasetHash: dataset.hash(in: domain),
                              workerpool: workerpool, workerpoolHash: workerpool.hash(in: domain),
                              request: request, requestHash: request.hash(in: domain))
    }

    /// The same from the order hashes a caller already has (matchOrders computes them for its
    /// signature checks and its `OrdersMatched` event), so no order is hashed twice.
    func dealVolume(app: AppOrder, appHash: Hash32, dataset: DatasetOrder, datasetHash: Hash32,
                    workerpool: WorkerpoolOrder, workerpoolHash: Hash32,
                    request: RequestOrder, requestHash: Hash32) throws(PoCoError) -> UInt256 {
        var volume = try remainingVolume(app.volume, orderHash: appHash)
        if dataset.dataset != .zero {
            volume = Swift.min(volume, try remainingVolume(dataset.volume, orderHash: datasetHash))
        }
        volume = Swift.min(volume, try remainingVolume(workerpool.volume, orderHash: workerpoolHash))
        return Swift.min(volume, try remainingVolume(request.volume, orderHash: requestHash))
    }

    /// `volume − consumed[orderHash]`, checked as Solidity 0.8 does.
    func remainingVolume(_ volume: UInt256, orderHash: Hash32) throws(PoCoError) -> UInt256 {
        try volume.minus(state.uint(.consumed(orderHash)))
    }
}
