import PoCo

/// Deterministic gas figures: the chain charges nothing (gas price 0), but `gasUsed` and
/// `eth_estimateGas` report, for every call of a function, the same figure:
///
///     gasUsed = 21000 (Ethereum's transaction base) + the function's constant
///               + perItem × the number of items, for the array functions
///
/// | function                                        | constant | per item |
/// |-------------------------------------------------|---------:|---------:|
/// | deposit, depositFor                             |   30 000 |        — |
/// | depositForArray                                 |   10 000 |   30 000 (per target) |
/// | withdraw, withdrawTo                            |   35 000 |        — |
/// | SRLC transfer, transferFrom                     |   30 000 |        — |
/// | approve, increaseAllowance, decreaseAllowance   |   25 000 |        — |
/// | createApp, createDataset, createWorkerpool      |  250 000 |        — |
/// | registry transferFrom / safeTransferFrom        |   60 000 |        — |
/// | changePolicy                                    |   30 000 |        — |
/// | createCategory                                  |   80 000 |        — |
/// | manage*Order                                    |   60 000 |        — |
/// | broadcast*Order                                 |   25 000 |        — |
/// | matchOrders, sponsorMatchOrders                 |  400 000 |        — |
/// | initialize                                      |  100 000 |        — |
/// | initializeArray                                 |   10 000 |  100 000 (per task) |
/// | contribute                                      |  180 000 |        — |
/// | contributeAndFinalize                           |  350 000 |        — |
/// | reveal                                          |   60 000 |        — |
/// | reopen                                          |   50 000 |        — |
/// | finalize                                        |  250 000 |        — |
/// | claim                                           |  120 000 |        — |
/// | claimArray                                      |   10 000 |  120 000 (per task) |
/// | initializeAndClaimArray                         |   10 000 |  220 000 (per task) |
///
/// The constants are of the order of iExec's contracts' gas on an EVM chain; they depend on the
/// function (and array lengths) only, never on state, so a replay reports the same figures.
extension PoCoBinding {
    /// Ethereum's intrinsic cost of a transaction.
    public static let baseGas: UInt64 = 21_000

    /// The gas a call is reported to use (see the table above). Saturates instead of overflowing
    /// on absurd array lengths.
    public static func gasUsed(for call: PoCoCall) -> UInt64 {
        let (constant, perItem, items) = gasParts(call)
        let (variable, overflow) = perItem.multipliedReportingOverflow(by: UInt64(items))
        if overflow { return .max }
        let (sum, overflow2) = (baseGas + constant).addingReportingOverflow(variable)
        return overflow2 ? .max : sum
    }

    /// (constant, per item, items) for a call.
    static func gasParts(_ call: PoCoCall) -> (UInt64, UInt64, Int) {
        switch call {
        case .escrow(let call):
            switch call {
            case .deposit, .depositFor: return (30_000, 0, 0)
            case .depositForArray(_, let targets): return (10_000, 30_000, targets.count)
            case .withdraw, .withdrawTo: return (35_000, 0, 0)
            }
        case .token(let call):
            switch call {
            case .transfer, .transferFrom: return (30_000, 0, 0)
            case .approve, .increaseAllowance, .decreaseAllowance: return (25_000, 0, 0)
            }
        case .registry(let call):
            switch call {
            case .createApp, .createDataset, .createWorkerpool: return (250_000, 0, 0)
            case .transferAsset: return (60_000, 0, 0)
            case .changePolicy: return (30_000, 0, 0)
            }
        case .governance(.createCategory): return (80_000, 0, 0)
        case .orders(let call):
            switch call {
            case .manageAppOrder, .manageDatasetOrder, .manageWorkerpoolOrder, .manageRequestOrder: return (60_000, 0, 0)
            case .broadcastAppOrder, .broadcastDatasetOrder, .broadcastWorkerpoolOrder, .broadcastRequestOrder:
                return (25_000, 0, 0)
            }
        case .matching: return (400_000, 0, 0)
        case .lifecycle(let call):
            switch call {
            case .initialize: return (100_000, 0, 0)
            case .initializeArray(let dealids, _): return (10_000, 100_000, dealids.count)
            case .contribute: return (180_000, 0, 0)
            case .contributeAndFinalize: return (350_000, 0, 0)
            case .reveal: return (60_000, 0, 0)
            case .reopen: return (50_000, 0, 0)
            case .finalize: return (250_000, 0, 0)
            case .claim: return (120_000, 0, 0)
            case .claimArray(let taskids): return (10_000, 120_000, taskids.count)
            case .initializeAndClaimArray(let dealids, _): return (10_000, 220_000, dealids.count)
            }
        }
    }
}
