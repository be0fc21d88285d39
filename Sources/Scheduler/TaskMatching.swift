import Client
import ClassAd
import Ethereum
import PoCo

/// A task as a ClassAd, for HTCondor-style matchmaking with the workers' ads:
///
/// ```
/// [ TaskId = "0x…"; Category = 0; MaxTime = 300; Trust = 100; Runtime = "wasm";
///   RequiresGPU = false; RequiresTEE = false;
///   Requirements = member(MY.Runtime, TARGET.Runtimes) && (!MY.RequiresGPU || TARGET.Gpus >= 1)
///                  && (<the request's iexec_requirements>) ]
/// ```
/// A worker's ad describes the machine (`Cpus`, `MemoryMB`, `DiskMB`, `Gpus`, `Runtimes`,
/// `Price`, `Speed`, `EnergyClass`, …) and its own `Requirements` on tasks.
struct TaskAd: Sendable {
    /// The ad.
    let ad: ClassAd
    /// The request's ranking weights.
    let weights: RankWeights

    /// Tag bit 8 (iExec's `gpu` tag).
    static let gpuTagBit = 8

    /// The task ad of `deal`'s tasks.
    ///
    /// - Throws: `SchedulerError.badRequest` when the deal's params or requirements cannot be read
    ///   (the task then matches no worker and is claimed at its final deadline).
    init(deal: DealRecord, appRuntime: String) throws(SchedulerError) {
        let params: DealParams
        do {
            params = try DealParams(parsing: deal.params)
        } catch {
            throw .badRequest("deal \(deal.id.hex): \(error)")
        }
        let tag = deal.tag.bytes
        let requiresGPU = Self.bit(Self.gpuTagBit, of: tag)
        let requiresTEE = Self.bit(0, of: tag)
        var requirements: Expr
        do {
            requirements = try ClassAdParser.parseExpression(
                "member(MY.Runtime, TARGET.Runtimes) && (!MY.RequiresGPU || TARGET.Gpus >= 1) && !MY.RequiresTEE")
            if let extra = params.requirements {
                requirements = .binary(.and, requirements, try ClassAdParser.parseExpression(extra))
            }
        } catch {
            throw .badRequest("deal \(deal.id.hex): iexec_requirements is not a ClassAd expression: \(error)")
        }
        ad = ClassAd([
            ("DealId", .literal(.string(deal.id.hex))),
            ("Category", .literal(.integer(Int64(clamping: deal.category)))),
            ("MaxTime", .literal(.integer(Int64(clamping: deal.timeref)))),
            ("Trust", .literal(.integer(Int64(clamping: deal.trust)))),
            ("Runtime", .literal(.string(appRuntime))),
            ("RequiresGPU", .literal(.boolean(requiresGPU))),
            ("RequiresTEE", .literal(.boolean(requiresTEE))),
            ("Requirements", requirements),
        ])
        weights = params.rankWeights
    }

    /// Whether the task and the worker accept each other (both Requirements hold).
    func matches(_ worker: ClassAd) -> Bool {
        Matchmaker.symmetricMatch(ad, worker)
    }

    private static func bit(_ index: Int, of bytes: [UInt8]) -> Bool {
        let byte = bytes[bytes.count - 1 - index / 8]
        return byte & (1 << UInt8(index % 8)) != 0
    }
}

/// The whitepaper's multi-criteria choice of workers: each candidate scored on price (its ad's
/// `Price`, lower is better), speed (`Speed`, higher is better), reliability (its PoCo score) and
/// energy (`EnergyClass`, lower is better), each criterion scaled to [0, 1] among the candidates
/// (all equal → 1), weighted by the request's `iexec_rank_weights`. Ties go to the lower address.
enum WorkerRanking {
    /// `candidates` best first.
    static func ranked(_ candidates: [WorkerEntry], weights: RankWeights) -> [WorkerEntry] {
        let price = scaled(candidates.map { number($0.ad, "Price") }, higherIsBetter: false)
        let speed = scaled(candidates.map { number($0.ad, "Speed") }, higherIsBetter: true)
        let reliability = scaled(candidates.map { Double($0.score) }, higherIsBetter: true)
        let energy = scaled(candidates.map { number($0.ad, "EnergyClass") }, higherIsBetter: false)
        let scores = candidates.indices.map { index in
            weights.price * price[index] + weights.speed * speed[index] + weights.reliability * reliability[index]
                + weights.energy * energy[index]
        }
        return candidates.indices.sorted { left, right in
            if scores[left] != scores[right] { return scores[left] > scores[right] }
            return candidates[left].address.bytes.lexicographicallyPrecedes(candidates[right].address.bytes)
        }.map { candidates[$0] }
    }

    /// A numeric attribute of `ad`, nil when absent or not a number.
    static func number(_ ad: ClassAd, _ name: String) -> Double? {
        switch Evaluator(my: ad).evaluate(attribute: name) {
        case .integer(let value): return Double(value)
        case .real(let value) where value.isFinite: return value
        default: return nil
        }
    }

    /// Min-max scaling to [0, 1]; a missing value scores 0.5, all-equal values score 1.
    private static func scaled(_ values: [Double?], higherIsBetter: Bool) -> [Double] {
        let present = values.compactMap { $0 }
        guard let low = present.min(), let high = present.max() else { return values.map { _ in 0.5 } }
        return values.map { value in
            guard let value else { return 0.5 }
            guard high > low else { return 1 }
            let position = (value - low) / (high - low)
            return higherIsBetter ? position : 1 - position
        }
    }
}
