// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/**
 * @title RigShiftMarket
 * @notice Escrowed GPU/CPU job marketplace. A requester posts a job (its full spec JSON only in
 * the event, its hash in storage) and escrows maxPricePerHour x maxDuration. A provider with
 * enough free stake claims it at its own ask, runs it off chain and submits a commitment to the
 * outputs plus the billed seconds. Payment (ask x billed time) is credited when the requester
 * accepts or, after the challenge window, by anyone; the unused escrow goes back to the
 * requester. Everyone is paid by pull (withdraw), so a blocked recipient only blocks itself.
 *
 * Why these guards:
 *  - fee-on-transfer / deflationary tokens: every pull is balance-delta checked, so escrow
 *    accounting can never promise more than the contract holds;
 *  - reentrancy: every function that moves tokens is nonReentrant and writes state first;
 *  - replayed results: the commitment binds chain, market, job, provider and claim attempt to
 *    the outputs digest, and a commitment can be used once;
 *  - claim sniping: a claim locks minStake, slashed to the requester if the claimer never submits.
 * Non-upgradeable on purpose: a new version is a new deployment.
 */
contract RigShiftMarket is ReentrancyGuard {
    using SafeERC20 for IERC20;

    enum State {
        None,
        Open,
        Claimed,
        Submitted,
        Settled,
        Refunded
    }

    /// Field order is part of the interface (the agent decodes getJob by position).
    struct Job {
        address requester;
        address provider;
        uint128 maxPricePerHour;
        uint128 ask;
        uint128 escrow; // remaining escrow
        uint64 claimBy;
        uint64 runBy;
        uint64 claimedAt;
        uint64 submittedAt;
        uint32 maxDurationSeconds;
        uint32 billedSeconds;
        uint32 attempt;
        bool preemptible;
        State state;
        bytes32 specHash;
        bytes32 commitment;
    }

    uint256 private constant SECONDS_PER_HOUR = 3600;
    uint256 private constant BPS = 10_000;

    IERC20 public immutable token;
    uint256 public immutable minStake;
    uint64 public immutable challengeWindow;
    uint16 public immutable feeBps;
    address public immutable feeRecipient;
    uint64 public immutable reopenClaimWindow;

    /// A provider's stake, packed in one slot: a claim moves minStake from free to locked with
    /// one warm write instead of a fresh zero-to-nonzero slot (saves about 20k gas per claim).
    struct Stake {
        uint128 free;
        uint128 locked;
    }

    /// Withdrawable balances (pull payments).
    mapping(address => uint256) public credit;
    mapping(bytes32 => bool) public usedCommitment;
    mapping(address => Stake) private _stakes;

    // internal (not private) only so the test harness can force unreachable states.
    mapping(uint256 => Job) internal _jobs;
    uint256 internal _nextJobId = 1;

    event JobPosted(
        uint256 indexed id,
        address indexed requester,
        bytes32 specHash,
        uint128 maxPricePerHour,
        uint32 maxDurationSeconds,
        uint64 claimBy,
        uint64 runBy,
        bool preemptible,
        uint256 escrow,
        string spec
    );
    event JobClaimed(uint256 indexed id, address indexed provider, uint128 ask, uint32 attempt);
    event JobSubmitted(
        uint256 indexed id,
        address indexed provider,
        bytes32 commitment,
        bytes32 outputsDigest,
        uint32 billedSeconds,
        string resultUri
    );
    event JobReleased(
        uint256 indexed id,
        address indexed provider,
        uint32 servedSeconds,
        uint256 gross,
        uint256 fee,
        bool reopened
    );
    event JobSettled(
        uint256 indexed id,
        address indexed provider,
        address indexed requester,
        uint256 gross,
        uint256 fee,
        uint256 refund,
        bool byRequester
    );
    /// amount = escrow credited back to the requester; slashed = the no-show's stake, also
    /// credited to the requester. provider is address(0) when nobody had claimed the job.
    event JobRefunded(
        uint256 indexed id,
        address indexed requester,
        address indexed provider,
        uint256 amount,
        uint256 slashed
    );
    event StakeDeposited(address indexed provider, uint256 amount);
    event StakeWithdrawn(address indexed provider, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    // --- constructor errors
    error ZeroAddress();
    error ZeroMinStake();
    error FeeTooHigh(uint16 feeBps);
    error TokenDecimalsNot6(uint8 decimals);
    // --- post
    error ZeroPrice();
    error ZeroDuration();
    error ClaimByNotInFuture(uint64 claimBy, uint256 nowTs);
    error RunByTooEarly(uint64 runBy, uint256 earliest);
    error EscrowTooLarge(uint256 escrow);
    // --- token movements
    error ZeroAmount();
    error AmountTooLarge(uint256 amount);
    error FeeOnTransferToken(uint256 expected, uint256 received);
    error InsufficientFreeStake(uint256 available, uint256 required);
    error NothingToWithdraw();
    // --- job state
    error NotOpen(uint256 id, State state);
    error NotClaimed(uint256 id, State state);
    error NotSubmitted(uint256 id, State state);
    error NotPreemptible(uint256 id);
    error NotProvider(uint256 id, address caller);
    error NotRequester(uint256 id, address caller);
    error ClaimWindowClosed(uint256 id, uint64 claimBy);
    error AskOutOfRange(uint128 ask, uint128 maxPricePerHour);
    error RunDeadlinePassed(uint256 id, uint64 runBy);
    error ZeroBilledSeconds();
    error SecondsExceedMaxDuration(uint32 seconds_, uint32 maxDurationSeconds);
    error SecondsExceedElapsed(uint32 seconds_, uint256 elapsed);
    error CommitmentAlreadyUsed(bytes32 commitment);
    error ChallengeWindowOpen(uint256 id, uint256 endsAt);
    error RefundTooEarly(uint256 id, uint64 deadline);
    error NotRefundable(uint256 id, State state);

    constructor(
        IERC20 token_,
        uint256 minStake_,
        uint64 challengeWindow_,
        uint16 feeBps_,
        address feeRecipient_,
        uint64 reopenClaimWindow_
    ) {
        if (address(token_) == address(0) || feeRecipient_ == address(0)) revert ZeroAddress();
        if (minStake_ == 0) revert ZeroMinStake();
        // Stakes are packed as uint128 (see Stake).
        if (minStake_ > type(uint128).max) revert AmountTooLarge(minStake_);
        if (feeBps_ > BPS) revert FeeTooHigh(feeBps_);
        // Amounts are micro-dollars everywhere (UI, floor prices): only 6-decimal tokens fit.
        uint8 decimals = IERC20Metadata(address(token_)).decimals();
        if (decimals != 6) revert TokenDecimalsNot6(decimals);
        token = token_;
        minStake = minStake_;
        challengeWindow = challengeWindow_;
        feeBps = feeBps_;
        feeRecipient = feeRecipient_;
        reopenClaimWindow = reopenClaimWindow_;
    }

    // ------------------------------------------------------------------ views

    /// Stake a provider can withdraw or lock with a claim.
    function freeStake(address provider) external view returns (uint256) {
        return _stakes[provider].free;
    }

    /// Stake locked by the provider's claimed, not yet settled jobs (minStake each).
    function lockedStake(address provider) external view returns (uint256) {
        return _stakes[provider].locked;
    }

    function getJob(uint256 id) external view returns (Job memory) {
        return _jobs[id];
    }

    /// The id the next post gets; the first job id is 1.
    function nextJobId() external view returns (uint256) {
        return _nextJobId;
    }

    // --------------------------------------------------------------- requester

    /// Escrow = ceil(maxPricePerHour * maxDurationSeconds / 3600), rounded toward the requester's
    /// protection (a provider can always be paid its full ask for the full duration).
    function post(
        string calldata spec,
        uint128 maxPricePerHour,
        uint32 maxDurationSeconds,
        uint64 claimBy,
        uint64 runBy,
        bool preemptible
    ) external nonReentrant returns (uint256 id) {
        if (maxPricePerHour == 0) revert ZeroPrice();
        if (maxDurationSeconds == 0) revert ZeroDuration();
        if (claimBy <= block.timestamp) revert ClaimByNotInFuture(claimBy, block.timestamp);
        uint256 earliestRunBy = uint256(claimBy) + maxDurationSeconds;
        if (runBy < earliestRunBy) revert RunByTooEarly(runBy, earliestRunBy);
        uint256 escrow = (uint256(maxPricePerHour) * maxDurationSeconds + SECONDS_PER_HOUR - 1) / SECONDS_PER_HOUR;
        if (escrow > type(uint128).max) revert EscrowTooLarge(escrow);

        id = _nextJobId++;
        Job storage job = _jobs[id];
        job.requester = msg.sender;
        job.maxPricePerHour = maxPricePerHour;
        job.escrow = uint128(escrow);
        job.claimBy = claimBy;
        job.runBy = runBy;
        job.maxDurationSeconds = maxDurationSeconds;
        job.preemptible = preemptible;
        job.state = State.Open;
        job.specHash = keccak256(bytes(spec));

        _pullExact(msg.sender, escrow);
        _emitPosted(id, job, spec);
    }

    /// Separate frame: the event has more fields than post's stack can hold next to its arguments.
    function _emitPosted(uint256 id, Job storage job, string calldata spec) private {
        emit JobPosted(
            id,
            job.requester,
            job.specHash,
            job.maxPricePerHour,
            job.maxDurationSeconds,
            job.claimBy,
            job.runBy,
            job.preemptible,
            job.escrow,
            spec
        );
    }

    /// The requester approves the result early; otherwise anyone may finalize after the window.
    function accept(uint256 id) external {
        Job storage job = _jobs[id];
        if (job.state != State.Submitted) revert NotSubmitted(id, job.state);
        if (msg.sender != job.requester) revert NotRequester(id, msg.sender);
        _settle(id, job, true);
    }

    function finalize(uint256 id) external {
        Job storage job = _jobs[id];
        if (job.state != State.Submitted) revert NotSubmitted(id, job.state);
        uint256 endsAt = uint256(job.submittedAt) + challengeWindow;
        if (block.timestamp <= endsAt) revert ChallengeWindowOpen(id, endsAt);
        _settle(id, job, false);
    }

    /// Anyone may refund a job nobody claimed in time, or one whose claimer never submitted by
    /// runBy (the no-show's locked stake goes to the requester: claim sniping costs minStake).
    function refund(uint256 id) external {
        Job storage job = _jobs[id];
        State state = job.state;
        uint256 slashed;
        address provider = job.provider;
        if (state == State.Open) {
            if (block.timestamp <= job.claimBy) revert RefundTooEarly(id, job.claimBy);
        } else if (state == State.Claimed) {
            if (block.timestamp <= job.runBy) revert RefundTooEarly(id, job.runBy);
            slashed = minStake;
            _stakes[provider].locked -= uint128(slashed);
        } else {
            revert NotRefundable(id, state);
        }
        uint256 amount = job.escrow;
        job.escrow = 0;
        job.state = State.Refunded;
        credit[job.requester] += amount + slashed;
        emit JobRefunded(id, job.requester, provider, amount, slashed);
    }

    // ---------------------------------------------------------------- provider

    function depositStake(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) revert AmountTooLarge(amount);
        _stakes[msg.sender].free += uint128(amount);
        _pullExact(msg.sender, amount);
        emit StakeDeposited(msg.sender, amount);
    }

    /// Only free stake: stake locked by a claim is released by settle/release or slashed by refund,
    /// so no unbonding delay is needed.
    function withdrawStake(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Stake storage stake = _stakes[msg.sender];
        uint256 available = stake.free;
        if (available < amount) revert InsufficientFreeStake(available, amount);
        stake.free = uint128(available - amount);
        token.safeTransfer(msg.sender, amount);
        emit StakeWithdrawn(msg.sender, amount);
    }

    /// First valid claim wins, at the claimer's own ask (<= the requester's max price).
    function claim(uint256 id, uint128 askPerHour) external {
        Job storage job = _jobs[id];
        if (job.state != State.Open) revert NotOpen(id, job.state);
        if (block.timestamp > job.claimBy) revert ClaimWindowClosed(id, job.claimBy);
        if (askPerHour == 0 || askPerHour > job.maxPricePerHour) revert AskOutOfRange(askPerHour, job.maxPricePerHour);
        Stake memory stake = _stakes[msg.sender];
        uint128 required = uint128(minStake);
        if (stake.free < required) revert InsufficientFreeStake(stake.free, required);
        _stakes[msg.sender] = Stake(stake.free - required, stake.locked + required);

        uint32 attempt = job.attempt + 1;
        job.provider = msg.sender;
        job.ask = askPerHour;
        job.claimedAt = uint64(block.timestamp);
        job.attempt = attempt;
        job.state = State.Claimed;
        emit JobClaimed(id, msg.sender, askPerHour, attempt);
    }

    /// billedSeconds is the provider's claim of run time, bounded by the job's max duration and by
    /// the wall time since its claim; the requester can dispute only by not accepting (v1).
    function submit(uint256 id, bytes32 outputsDigest, uint32 billedSeconds, string calldata resultUri) external {
        Job storage job = _jobs[id];
        if (job.state != State.Claimed) revert NotClaimed(id, job.state);
        if (msg.sender != job.provider) revert NotProvider(id, msg.sender);
        if (block.timestamp > job.runBy) revert RunDeadlinePassed(id, job.runBy);
        if (billedSeconds == 0) revert ZeroBilledSeconds();
        _checkSeconds(job, billedSeconds);

        // Bound to this chain, this market, this job, this provider and this claim attempt, so
        // the same outputs digest can never be replayed by another provider or on another job.
        bytes32 commitment =
            keccak256(abi.encode(block.chainid, address(this), id, msg.sender, job.attempt, outputsDigest));
        if (usedCommitment[commitment]) revert CommitmentAlreadyUsed(commitment);
        usedCommitment[commitment] = true;
        job.commitment = commitment;
        job.billedSeconds = billedSeconds;
        job.submittedAt = uint64(block.timestamp);
        job.state = State.Submitted;
        emit JobSubmitted(id, msg.sender, commitment, outputsDigest, billedSeconds, resultUri);
    }

    /// A preemptible job's provider hands it back mid-run (the owner took the GPU back): it is paid
    /// for the time served and the job reopens for others while enough time is left before runBy.
    function release(uint256 id, uint32 servedSeconds) external {
        Job storage job = _jobs[id];
        if (job.state != State.Claimed) revert NotClaimed(id, job.state);
        if (!job.preemptible) revert NotPreemptible(id);
        address provider = job.provider;
        if (msg.sender != provider) revert NotProvider(id, msg.sender);
        // After runBy the job is a no-show (refund slashes); a late release must not dodge that.
        if (block.timestamp > job.runBy) revert RunDeadlinePassed(id, job.runBy);
        _checkSeconds(job, servedSeconds);

        uint256 escrow = job.escrow;
        (uint256 gross, uint256 fee) = _pay(provider, job.ask, servedSeconds, escrow);
        escrow -= gross;
        _unlockStake(provider);

        bool reopened = escrow > 0 && block.timestamp + reopenClaimWindow < job.runBy;
        if (reopened) {
            uint256 reopenUntil = block.timestamp + reopenClaimWindow;
            job.escrow = uint128(escrow);
            job.provider = address(0);
            job.ask = 0;
            job.claimedAt = 0;
            if (reopenUntil > job.claimBy) job.claimBy = uint64(reopenUntil);
            job.state = State.Open;
            emit JobReleased(id, provider, servedSeconds, gross, fee, true);
        } else {
            job.escrow = 0;
            job.state = State.Refunded;
            credit[job.requester] += escrow;
            emit JobReleased(id, provider, servedSeconds, gross, fee, false);
            // The job ends here: the same event every other path to Refunded emits.
            emit JobRefunded(id, job.requester, provider, escrow, 0);
        }
    }

    // ---------------------------------------------------------------- anyone

    function withdraw() external nonReentrant {
        uint256 amount = credit[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        credit[msg.sender] = 0;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    // ---------------------------------------------------------------- internals

    function _checkSeconds(Job storage job, uint32 seconds_) private view {
        if (seconds_ > job.maxDurationSeconds) revert SecondsExceedMaxDuration(seconds_, job.maxDurationSeconds);
        uint256 elapsed = block.timestamp - job.claimedAt;
        if (seconds_ > elapsed) revert SecondsExceedElapsed(seconds_, elapsed);
    }

    function _settle(uint256 id, Job storage job, bool byRequester) private {
        address provider = job.provider;
        uint256 escrow = job.escrow;
        (uint256 gross, uint256 fee) = _pay(provider, job.ask, job.billedSeconds, escrow);
        uint256 rest = escrow - gross;
        job.escrow = 0;
        job.state = State.Settled;
        if (rest > 0) credit[job.requester] += rest;
        _unlockStake(provider);
        emit JobSettled(id, provider, job.requester, gross, fee, rest, byRequester);
    }

    /// gross = ask x seconds / 3600 rounded down (toward the requester), capped by the escrow left;
    /// the fee is taken from gross.
    function _pay(address provider, uint128 ask, uint32 seconds_, uint256 escrow)
        private
        returns (uint256 gross, uint256 fee)
    {
        gross = (uint256(ask) * seconds_) / SECONDS_PER_HOUR;
        if (gross > escrow) gross = escrow;
        fee = (gross * feeBps) / BPS;
        if (gross - fee > 0) credit[provider] += gross - fee;
        if (fee > 0) credit[feeRecipient] += fee;
    }

    function _unlockStake(address provider) private {
        Stake memory stake = _stakes[provider];
        uint128 amount = uint128(minStake);
        _stakes[provider] = Stake(stake.free + amount, stake.locked - amount);
    }

    /// Pulls exactly `amount`: a token that delivers less (fee-on-transfer, deflationary) is refused,
    /// otherwise the escrow would promise more than the contract holds.
    function _pullExact(address from, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferToken(amount, received);
    }
}
