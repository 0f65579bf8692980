// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/**
 * @title RigShiftMarketV2
 * @notice Compute market v2: the price is found by a reverse auction, results are verified by
 * replication (commit, then reveal) or by a requester's dispute, and every account has a record
 * anyone can read. docs/MARKET-V2.md states the rules for requesters and providers.
 *
 * A job runs in rounds. The main round has `replicas` slots; a tiebreak round (two replicas that
 * disagree) and a verify round (a requester's dispute) have one. A round is either an auction
 * (bids until bidEnds, then anyone awards: lowest asks win, all paid the lowest losing ask) or,
 * for a job posted without a bid window, a fixed-price listing (first claimers, paid the max
 * price). Winners commit keccak256(abi.encode(outputsDigest, salt, provider)) before runBy and
 * reveal only once every slot of the round has committed or runBy has passed, so no replica can
 * copy another's digest. A single replica never reveals unless disputed: its commitment waits out
 * the challenge window, and in a dispute it reveals only after the verifier committed, so the
 * verifier cannot copy it either. Everyone is paid by pull (withdraw).
 *
 * Escrow = runCost x (replicas + 1), runCost = ceil(maxPrice x duration / 3600): the extra run
 * pays a tiebreaker or a verifier without asking the requester again. A provider is paid only
 * for a digest that wins (majority, unchallenged, or upheld), so the requester never pays for
 * more than `replicas` runs from the escrow.
 * Non-upgradeable on purpose: a new version is a new deployment.
 */
contract RigShiftMarketV2 is ReentrancyGuard {
    using SafeERC20 for IERC20;

    enum State {
        None,
        Open, // the current round takes bids or claims
        Running, // every slot of the round is filled: commit, then reveal
        Submitted, // a single replica's result (or a released checkpoint) in its challenge window
        Settled,
        Refunded
    }

    enum Round {
        Main,
        Tiebreak,
        Verify
    }

    enum SlotStatus {
        Empty,
        Running,
        Committed,
        Revealed,
        Done
    }

    /// What a requester posts (a struct: more terms than a function's stack can hold).
    struct Terms {
        string spec;
        uint96 maxPricePerHour;
        uint32 maxDurationSeconds;
        uint32 bidWindowSeconds; // 0: fixed-price listing, first claimers paid the max price
        uint64 claimBy; // last second to claim, or (auction) to award
        uint64 runBy; // last second to commit
        uint8 replicas; // 1-3
        bool deterministic; // same inputs, same outputs digest: needed for replicas > 1 and disputes
        bool preemptible; // the provider may hand it back mid-run (single replica only)
        uint32 minProviderSettled; // a bidder must have settled at least this many jobs
    }

    struct Job {
        address requester;
        uint96 maxPricePerHour;
        uint128 escrow; // remaining escrow
        uint128 bond; // the requester's dispute bond, while a dispute is open
        uint96 price; // the main round's price per hour (uniform for its winners)
        uint96 extraPrice; // the tiebreak or verify round's price per hour
        uint64 bidEnds; // 0 for a fixed-price round
        uint64 claimBy;
        uint64 runBy;
        uint64 submittedAt;
        uint32 maxDurationSeconds; // shrinks by the time served when a released job reopens
        uint32 bidWindowSeconds;
        uint32 minProviderSettled;
        uint8 replicas;
        uint8 slotCount; // slots assigned so far, over all rounds
        uint8 roundStart; // index of the current round's first slot
        uint8 roundNo; // tells this round's bids from earlier ones
        uint8 filled;
        uint8 committed;
        uint8 revealed;
        uint8 bidCount;
        State state;
        Round round;
        bool deterministic;
        bool preemptible;
        bool released; // the Submitted result is a checkpoint of a released run
        bytes32 specHash;
    }

    /// Exactly one storage word, kept in _words (see there); its hash (the commitment until the
    /// reveal, then the revealed digest) is the word next to it.
    struct Slot {
        address provider;
        uint32 startedAt;
        uint32 billedSeconds;
        SlotStatus status;
    }

    struct SlotView {
        address provider;
        uint32 startedAt;
        uint32 billedSeconds;
        SlotStatus status;
        bytes32 hash;
    }

    struct Bid {
        address provider;
        uint96 ask;
    }

    struct ProviderRecord {
        uint32 settled; // runs paid
        uint32 agreed; // replicated runs in the majority
        uint32 disputesWon;
        uint32 disputesLost;
        uint32 slashes;
        uint32 releases;
        uint64 billedSeconds;
    }

    struct RequesterRecord {
        uint32 posted;
        uint32 accepted;
        uint32 disputesWon;
        uint32 disputesLost;
        uint32 refunds;
    }

    struct Stake {
        uint128 free;
        uint128 locked;
    }

    uint256 private constant SECONDS_PER_HOUR = 3600;
    uint256 private constant BPS = 10_000;
    uint8 public constant MAX_REPLICAS = 3;
    /// Bounded so award's loop has a bounded cost; a full book still takes a lower ask (it
    /// displaces the highest).
    uint256 public constant MAX_BIDS = 8;

    IERC20 public immutable token;
    uint256 public immutable minStake;
    uint64 public immutable challengeWindow;
    uint16 public immutable feeBps;
    address public immutable feeRecipient;
    uint64 public immutable reopenWindow;

    mapping(address => uint256) public credit;
    mapping(address => Stake) private _stakes;
    mapping(address => ProviderRecord) private _providers;
    mapping(address => RequesterRecord) private _requesters;
    mapping(uint256 => Job) internal _jobs;
    /**
     * Per job, one word per key, shared on purpose to save gas. Slot j is two words: its hash at
     * key 2j and its Slot at key 2j + 1. The current round's bids are at keys 2 x roundStart + i
     * (provider and ask packed, job.bidCount of them), which are exactly the keys of the round's
     * own slots: a winner's slot and commitment overwrite words its round's bids already made
     * non-zero (about 2.9k gas each instead of 22k for a fresh word). Award reads the bids and
     * leaves the words. Keys of earlier slots (below 2 x roundStart) are never bid words.
     */
    mapping(uint256 => mapping(uint256 => bytes32)) internal _words;
    uint256 internal _nextJobId = 1;

    event JobPosted(uint256 indexed id, address indexed requester, bytes32 specHash, uint256 escrow, uint64 bidEnds, Terms terms);
    event RoundOpened(uint256 indexed id, Round round, uint8 roundNo, uint64 bidEnds, uint64 claimBy, uint64 runBy);
    event BidPlaced(uint256 indexed id, address indexed provider, uint96 ask, uint8 roundNo);
    event BidDisplaced(uint256 indexed id, address indexed provider, uint96 ask);
    event AuctionClosed(uint256 indexed id, uint8 roundNo, uint96 pricePerHour, uint256 bids);
    event SlotAssigned(uint256 indexed id, uint256 slot, address indexed provider, uint96 pricePerHour, Round round);
    event Committed(uint256 indexed id, uint256 slot, address indexed provider, bytes32 commitment, uint32 billedSeconds);
    event Revealed(uint256 indexed id, uint256 slot, address indexed provider, bytes32 outputsDigest);
    event Released(uint256 indexed id, uint256 slot, address indexed provider, uint32 servedSeconds, bytes32 checkpoint);
    event ResultSubmitted(uint256 indexed id, uint256 slot, address indexed provider, bytes32 commitment, uint32 billedSeconds);
    event Disputed(uint256 indexed id, address indexed requester, uint256 bond);
    event DisputeResolved(uint256 indexed id, address indexed provider, bool upheld, bool lapsed);
    event SlotPaid(uint256 indexed id, uint256 slot, address indexed provider, uint256 gross, uint256 fee);
    event Slashed(uint256 indexed id, uint256 slot, address indexed provider, uint256 amount);
    event SlotFreed(uint256 indexed id, uint256 slot, address indexed provider);
    event JobSettled(uint256 indexed id, address indexed requester, uint256 refund, bool byRequester);
    event JobRefunded(uint256 indexed id, address indexed requester, uint256 amount);
    event RedeliveryRequested(uint256 indexed id, address indexed requester, string uploadUrl);
    event StakeDeposited(address indexed provider, uint256 amount);
    event StakeWithdrawn(address indexed provider, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    // --- constructor
    error ZeroAddress();
    error ZeroMinStake();
    error FeeTooHigh(uint16 feeBps);
    error TokenDecimalsNot6(uint8 decimals);
    // --- post
    error ZeroPrice();
    error ZeroDuration();
    error BadReplicas(uint8 replicas);
    error ReplicasNeedDeterminism();
    error PreemptibleNeedsOneReplica();
    error ClaimByTooEarly(uint64 claimBy, uint256 earliest);
    error RunByTooEarly(uint64 runBy, uint256 earliest);
    // --- tokens
    error ZeroAmount();
    error AmountTooLarge(uint256 amount);
    error FeeOnTransferToken(uint256 expected, uint256 received);
    error InsufficientFreeStake(uint256 available, uint256 required);
    error NothingToWithdraw();
    // --- entering a round
    error NotOpen(uint256 id, State state);
    error NotAnAuction(uint256 id);
    error IsAnAuction(uint256 id);
    error BiddingClosed(uint256 id, uint64 bidEnds);
    error BiddingOpen(uint256 id, uint64 bidEnds);
    error ClaimWindowClosed(uint256 id, uint64 claimBy);
    error AskOutOfRange(uint96 ask, uint96 maxPricePerHour);
    error RequesterCannotServe(uint256 id);
    error Barred(uint256 id, address provider);
    error AlreadyBid(uint256 id, address provider);
    error RecordTooShort(uint32 settled, uint32 required);
    error BookFull(uint256 id, uint96 highestAsk);
    error NotEnoughBids(uint256 id, uint256 bids, uint256 needed);
    // --- running
    error NotSlotHolder(uint256 id, uint256 slot, address caller);
    error SlotNotRunning(uint256 id, uint256 slot);
    error SlotNotCommitted(uint256 id, uint256 slot);
    error RunDeadlinePassed(uint256 id, uint64 runBy);
    error ZeroBilledSeconds();
    error SecondsExceedMaxDuration(uint32 seconds_, uint32 maxDurationSeconds);
    error SecondsExceedElapsed(uint32 seconds_, uint256 elapsed);
    error RevealTooEarly(uint256 id);
    error RevealWindowClosed(uint256 id, uint256 endsAt);
    error CommitmentMismatch(uint256 id, uint256 slot);
    error NotPreemptible(uint256 id);
    // --- ending
    error NotSubmitted(uint256 id, State state);
    error NotRequester(uint256 id, address caller);
    error ChallengeWindowOpen(uint256 id, uint256 endsAt);
    error ChallengeWindowClosed(uint256 id, uint256 endedAt);
    error NotDisputable(uint256 id);
    error TooEarly(uint256 id, uint256 at);
    error NotConcludable(uint256 id, State state);
    error UnknownJob(uint256 id);

    constructor(
        IERC20 token_,
        uint256 minStake_,
        uint64 challengeWindow_,
        uint16 feeBps_,
        address feeRecipient_,
        uint64 reopenWindow_
    ) {
        if (address(token_) == address(0) || feeRecipient_ == address(0)) revert ZeroAddress();
        if (minStake_ == 0) revert ZeroMinStake();
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
        reopenWindow = reopenWindow_;
    }

    // ------------------------------------------------------------------ views

    function getJob(uint256 id) external view returns (Job memory) {
        return _jobs[id];
    }

    function getSlot(uint256 id, uint256 slot) external view returns (SlotView memory) {
        Slot memory s = _slot(id, slot);
        return SlotView(s.provider, s.startedAt, s.billedSeconds, s.status, _hashOf(id, slot));
    }

    function getBids(uint256 id) external view returns (Bid[] memory bids) {
        bids = _loadBids(id, 2 * uint256(_jobs[id].roundStart), _jobs[id].bidCount);
    }

    function providerRecord(address provider) external view returns (ProviderRecord memory) {
        return _providers[provider];
    }

    function requesterRecord(address requester) external view returns (RequesterRecord memory) {
        return _requesters[requester];
    }

    function freeStake(address provider) external view returns (uint256) {
        return _stakes[provider].free;
    }

    function lockedStake(address provider) external view returns (uint256) {
        return _stakes[provider].locked;
    }

    function nextJobId() external view returns (uint256) {
        return _nextJobId;
    }

    /// What one run may cost the requester at most: ceil(maxPrice x duration / 3600).
    function runCost(uint256 maxPricePerHour, uint256 durationSeconds) public pure returns (uint256) {
        return (maxPricePerHour * durationSeconds + SECONDS_PER_HOUR - 1) / SECONDS_PER_HOUR;
    }

    // --------------------------------------------------------------- requester

    function post(Terms calldata t) external nonReentrant returns (uint256 id) {
        _checkTerms(t);
        uint256 escrow = runCost(t.maxPricePerHour, t.maxDurationSeconds) * (uint256(t.replicas) + 1);
        uint64 bidEnds = t.bidWindowSeconds == 0 ? 0 : uint64(block.timestamp + t.bidWindowSeconds);

        id = _nextJobId++;
        Job storage job = _jobs[id];
        job.requester = msg.sender;
        job.maxPricePerHour = t.maxPricePerHour;
        job.escrow = uint128(escrow);
        job.bidEnds = bidEnds;
        job.claimBy = t.claimBy;
        job.runBy = t.runBy;
        job.maxDurationSeconds = t.maxDurationSeconds;
        job.bidWindowSeconds = t.bidWindowSeconds;
        job.minProviderSettled = t.minProviderSettled;
        job.replicas = t.replicas;
        job.roundNo = 1;
        job.state = State.Open;
        job.deterministic = t.deterministic;
        job.preemptible = t.preemptible;
        job.specHash = keccak256(bytes(t.spec));
        _requesters[msg.sender].posted += 1;

        _pullExact(msg.sender, escrow);
        emit JobPosted(id, msg.sender, job.specHash, escrow, bidEnds, t);
    }

    function _checkTerms(Terms calldata t) private view {
        if (t.maxPricePerHour == 0) revert ZeroPrice();
        if (t.maxDurationSeconds == 0) revert ZeroDuration();
        if (t.replicas == 0 || t.replicas > MAX_REPLICAS) revert BadReplicas(t.replicas);
        // Replicas are compared by digest: only a deterministic job can agree with itself.
        if (t.replicas > 1 && !t.deterministic) revert ReplicasNeedDeterminism();
        if (t.preemptible && t.replicas > 1) revert PreemptibleNeedsOneReplica();
        // An auction is awarded after its window and by claimBy: claimBy must leave a second for it.
        uint256 earliestClaimBy = block.timestamp + (t.bidWindowSeconds == 0 ? 1 : uint256(t.bidWindowSeconds) + 1);
        if (t.claimBy < earliestClaimBy) revert ClaimByTooEarly(t.claimBy, earliestClaimBy);
        uint256 earliestRunBy = uint256(t.claimBy) + t.maxDurationSeconds;
        if (t.runBy < earliestRunBy) revert RunByTooEarly(t.runBy, earliestRunBy);
    }

    /// The requester approves a submitted result (or a released checkpoint) before the window ends.
    function accept(uint256 id) external {
        Job storage job = _jobs[id];
        if (job.state != State.Submitted) revert NotSubmitted(id, job.state);
        if (msg.sender != job.requester) revert NotRequester(id, msg.sender);
        _requesters[msg.sender].accepted += 1;
        _settleSubmission(id, job, true);
    }

    /// Anyone, once the challenge window of a submitted result has passed without a dispute.
    function finalize(uint256 id) external {
        Job storage job = _jobs[id];
        if (job.state != State.Submitted) revert NotSubmitted(id, job.state);
        uint256 endsAt = uint256(job.submittedAt) + challengeWindow;
        if (block.timestamp <= endsAt) revert ChallengeWindowOpen(id, endsAt);
        _settleSubmission(id, job, false);
    }

    /**
     * The requester contests a single-replica deterministic result (or checkpoint) within the
     * challenge window, posting a bond of one run's cost. The job reopens for one verifier run,
     * auctioned like any round; the verifier's digest decides (see _resolveDispute).
     */
    function dispute(uint256 id) external nonReentrant {
        Job storage job = _jobs[id];
        if (job.state != State.Submitted) revert NotSubmitted(id, job.state);
        if (msg.sender != job.requester) revert NotRequester(id, msg.sender);
        // One dispute per job: the verify round's result is final.
        if (!job.deterministic || job.round != Round.Main) revert NotDisputable(id);
        uint256 endsAt = uint256(job.submittedAt) + challengeWindow;
        if (block.timestamp > endsAt) revert ChallengeWindowClosed(id, endsAt);
        uint256 bond = runCost(job.maxPricePerHour, job.maxDurationSeconds);
        job.bond = uint128(bond);
        _pullExact(msg.sender, bond);
        emit Disputed(id, msg.sender, bond);
        _openRound(id, job, Round.Verify, true);
    }

    /// The agent keeps the results: a requester whose upload URL failed names a new one.
    function requestRedelivery(uint256 id, string calldata uploadUrl) external {
        Job storage job = _jobs[id];
        if (job.state == State.None) revert UnknownJob(id);
        if (msg.sender != job.requester) revert NotRequester(id, msg.sender);
        emit RedeliveryRequested(id, msg.sender, uploadUrl);
    }

    // ---------------------------------------------------------------- provider

    function depositStake(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) revert AmountTooLarge(amount);
        _stakes[msg.sender].free += uint128(amount);
        _pullExact(msg.sender, amount);
        emit StakeDeposited(msg.sender, amount);
    }

    function withdrawStake(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Stake storage stake = _stakes[msg.sender];
        uint256 available = stake.free;
        if (available < amount) revert InsufficientFreeStake(available, amount);
        stake.free = uint128(available - amount);
        token.safeTransfer(msg.sender, amount);
        emit StakeWithdrawn(msg.sender, amount);
    }

    /// A sealed-price-free bid: asks are public, the uniform second price makes that harmless
    /// (a winner's ask never sets its own price). Locks minStake until award (losers) or the end.
    function bid(uint256 id, uint96 ask) external {
        Job storage job = _jobs[id];
        if (job.state != State.Open) revert NotOpen(id, job.state);
        if (job.bidEnds == 0) revert NotAnAuction(id);
        if (block.timestamp > job.bidEnds) revert BiddingClosed(id, job.bidEnds);
        if (ask == 0 || ask > job.maxPricePerHour) revert AskOutOfRange(ask, job.maxPricePerHour);
        _checkEligible(id, job, msg.sender);
        uint256 count = job.bidCount;
        uint256 start = 2 * uint256(job.roundStart);
        // The book is small (MAX_BIDS): a scan is cheaper than a per-account mark in storage.
        for (uint256 i = 0; i < count; i++) {
            if (_bidAt(id, start + i).provider == msg.sender) revert AlreadyBid(id, msg.sender);
        }
        _lockStake(msg.sender);
        if (count < MAX_BIDS) {
            _words[id][start + count] = _packBid(msg.sender, ask);
            job.bidCount = uint8(count + 1);
        } else {
            _displaceHighest(id, start, count, ask);
        }
        emit BidPlaced(id, msg.sender, ask, job.roundNo);
    }

    /// A full book takes a lower ask in place of its highest (a latest-on-ties highest), so a
    /// spammer cannot keep a cheaper provider out.
    function _displaceHighest(uint256 id, uint256 start, uint256 count, uint96 ask) private {
        Bid[] memory bids = _loadBids(id, start, count);
        uint256 worst;
        for (uint256 i = 1; i < count; i++) {
            if (bids[i].ask >= bids[worst].ask) worst = i;
        }
        Bid memory out = bids[worst];
        if (ask >= out.ask) revert BookFull(id, out.ask);
        _unlockStake(out.provider);
        emit BidDisplaced(id, out.provider, out.ask);
        _words[id][start + worst] = _packBid(msg.sender, ask);
    }

    /// Reads the book into memory and empties it. The words stay non-zero on purpose (see _words).
    function _takeBids(uint256 id, Job storage job) private returns (Bid[] memory bids) {
        bids = _loadBids(id, 2 * uint256(job.roundStart), job.bidCount);
        job.bidCount = 0;
    }

    function _loadBids(uint256 id, uint256 start, uint256 count) private view returns (Bid[] memory bids) {
        bids = new Bid[](count);
        for (uint256 i = 0; i < count; i++) bids[i] = _bidAt(id, start + i);
    }

    function _packBid(address provider, uint96 ask) private pure returns (bytes32) {
        return bytes32((uint256(uint160(provider)) << 96) | ask);
    }

    /// Slot `index` of job `id`, as a storage reference to its word in _words (see there).
    function _slot(uint256 id, uint256 index) private view returns (Slot storage s) {
        mapping(uint256 => bytes32) storage words = _words[id];
        uint256 key = 2 * index + 1;
        // The storage location of words[key] (Solidity's mapping layout), read as a one-word Slot.
        assembly ("memory-safe") {
            mstore(0, key)
            mstore(32, words.slot)
            s.slot := keccak256(0, 64)
        }
    }

    function _hashOf(uint256 id, uint256 index) private view returns (bytes32) {
        return _words[id][2 * index];
    }

    function _setHash(uint256 id, uint256 index, bytes32 hash) private {
        _words[id][2 * index] = hash;
    }

    function _bidAt(uint256 id, uint256 key) private view returns (Bid memory) {
        uint256 word = uint256(_words[id][key]);
        return Bid(address(uint160(word >> 96)), uint96(word));
    }

    /**
     * Anyone, after the bid window and by claimBy. The `needed` lowest asks win (ties: the better
     * record, then the earlier bid); every winner is paid the lowest losing ask, or the max price
     * when no bid lost. Losers' stakes are unlocked here.
     */
    function award(uint256 id) external {
        Job storage job = _jobs[id];
        if (job.state != State.Open) revert NotOpen(id, job.state);
        if (job.bidEnds == 0) revert NotAnAuction(id);
        if (block.timestamp <= job.bidEnds) revert BiddingOpen(id, job.bidEnds);
        if (block.timestamp > job.claimBy) revert ClaimWindowClosed(id, job.claimBy);
        uint256 needed = _needed(job);
        if (job.bidCount < needed) revert NotEnoughBids(id, job.bidCount, needed);
        Bid[] memory bids = _takeBids(id, job);

        bool[] memory won = _pickWinners(bids, needed);
        uint96 price = job.maxPricePerHour;
        for (uint256 i = 0; i < bids.length; i++) {
            if (won[i]) continue;
            if (bids[i].ask < price) price = bids[i].ask;
            _unlockStake(bids[i].provider);
        }
        _setRoundPrice(job, price);
        emit AuctionClosed(id, job.roundNo, price, bids.length);
        for (uint256 i = 0; i < bids.length; i++) {
            if (won[i]) _fillSlot(id, job, bids[i].provider, price);
        }
    }

    /// Lowest ask first; on equal asks the better record, then the earlier bid (lower index).
    function _pickWinners(Bid[] memory bids, uint256 needed) private view returns (bool[] memory won) {
        won = new bool[](bids.length);
        for (uint256 n = 0; n < needed; n++) {
            uint256 best = type(uint256).max;
            for (uint256 i = 0; i < bids.length; i++) {
                if (won[i]) continue;
                if (best == type(uint256).max || _beats(bids[i], bids[best])) best = i;
            }
            won[best] = true;
        }
    }

    /// Strictly better only: an equal ask and score keeps the earlier bid. Records are read only
    /// on equal asks (each is a cold storage read).
    function _beats(Bid memory bid_, Bid memory other) private view returns (bool) {
        if (bid_.ask != other.ask) return bid_.ask < other.ask;
        return reputationScore(bid_.provider) > reputationScore(other.provider);
    }

    /// The auction's tie-break: runs paid, minus twice the slashes and lost disputes.
    function reputationScore(address provider) public view returns (int256) {
        ProviderRecord memory r = _providers[provider];
        return int256(uint256(r.settled)) - 2 * int256(uint256(r.slashes) + r.disputesLost);
    }

    /// A fixed-price listing (no bid window): the first claimers are paid the max price.
    function claim(uint256 id) external {
        Job storage job = _jobs[id];
        if (job.state != State.Open) revert NotOpen(id, job.state);
        if (job.bidEnds != 0) revert IsAnAuction(id);
        if (block.timestamp > job.claimBy) revert ClaimWindowClosed(id, job.claimBy);
        _checkEligible(id, job, msg.sender);
        _lockStake(msg.sender);
        _setRoundPrice(job, job.maxPricePerHour);
        _fillSlot(id, job, msg.sender, job.maxPricePerHour);
    }

    /**
     * Before runBy: commitment = keccak256(abi.encode(outputsDigest, salt, provider)). It does not
     * depend on the upload to the requester (that may fail; see requestRedelivery).
     */
    function commit(uint256 id, uint256 slot, bytes32 commitment, uint32 billedSeconds) external {
        Job storage job = _jobs[id];
        Slot storage s = _holderSlot(id, job, slot, SlotStatus.Running);
        if (block.timestamp > job.runBy) revert RunDeadlinePassed(id, job.runBy);
        if (billedSeconds == 0) revert ZeroBilledSeconds();
        _checkSeconds(job, s, billedSeconds);
        _setHash(id, slot, commitment);
        s.billedSeconds = billedSeconds;
        s.status = SlotStatus.Committed;
        job.committed += 1;
        emit Committed(id, slot, msg.sender, commitment, billedSeconds);
        // A single replica's commitment is its result: it waits out the challenge window unrevealed,
        // and is revealed only if disputed, after the verifier committed (so no verifier can copy it).
        if (job.round == Round.Main && job.replicas == 1) _submit(id, job, slot, s);
    }

    /**
     * Only once every slot of the round committed (or runBy passed), so nobody copies a digest. In a
     * verify round the disputed provider reveals too (its slot is the one before the round's).
     */
    function reveal(uint256 id, uint256 slot, bytes32 outputsDigest, bytes32 salt) external {
        Job storage job = _jobs[id];
        Slot storage s = _revealableSlot(id, job, slot);
        bool allCommitted = job.state == State.Running && job.committed == _needed(job);
        if (!allCommitted && block.timestamp <= job.runBy) revert RevealTooEarly(id);
        uint256 endsAt = uint256(job.runBy) + challengeWindow;
        if (block.timestamp > endsAt) revert RevealWindowClosed(id, endsAt);
        if (keccak256(abi.encode(outputsDigest, salt, msg.sender)) != _hashOf(id, slot)) {
            revert CommitmentMismatch(id, slot);
        }
        _setHash(id, slot, outputsDigest);
        s.status = SlotStatus.Revealed;
        job.revealed += 1;
        emit Revealed(id, slot, msg.sender, outputsDigest);
        // A verify round waits for both digests: the verifier's and the disputed one.
        uint256 reveals = job.round == Round.Verify ? 2 : _needed(job);
        if (job.state == State.Running && job.revealed == reveals) _concludeRound(id, job);
    }

    function _revealableSlot(uint256 id, Job storage job, uint256 slot) private view returns (Slot storage s) {
        if (job.round == Round.Verify && slot + 1 == job.roundStart) {
            s = _slot(id, slot);
            if (s.provider != msg.sender) revert NotSlotHolder(id, slot, msg.sender);
            if (job.state != State.Open && job.state != State.Running) revert SlotNotRunning(id, slot);
            if (s.status != SlotStatus.Committed) revert SlotNotCommitted(id, slot);
            return s;
        }
        return _holderSlot(id, job, slot, SlotStatus.Committed);
    }

    /**
     * A preemptible job's provider hands it back (the owner took the GPU). With time served and a
     * checkpoint commitment (keccak256(abi.encode(checkpointDigest, salt, provider))), that
     * checkpoint goes through the same challenge window and dispute as a result before it is paid; with nothing to show, nothing is paid. Either way the provider
     * never serves this job again, and the job reopens for the rest of its duration.
     */
    function release(uint256 id, uint256 slot, uint32 servedSeconds, bytes32 checkpoint) external {
        Job storage job = _jobs[id];
        if (!job.preemptible) revert NotPreemptible(id);
        if (job.round != Round.Main) revert NotPreemptible(id);
        Slot storage s = _holderSlot(id, job, slot, SlotStatus.Running);
        if (block.timestamp > job.runBy) revert RunDeadlinePassed(id, job.runBy);
        _providers[msg.sender].releases += 1;
        if (servedSeconds == 0 || checkpoint == bytes32(0)) {
            s.status = SlotStatus.Done;
            _unlockStake(msg.sender);
            emit Released(id, slot, msg.sender, 0, bytes32(0));
            _reopenOrRefund(id, job);
            return;
        }
        _checkSeconds(job, s, servedSeconds);
        _setHash(id, slot, checkpoint);
        s.billedSeconds = servedSeconds;
        s.status = SlotStatus.Committed;
        job.released = true;
        emit Released(id, slot, msg.sender, servedSeconds, checkpoint);
        _submit(id, job, slot, s);
    }

    // ---------------------------------------------------------------- anyone

    /**
     * Ends a round whose deadline passed: an open round after claimBy (nobody, or too few, came),
     * a running round after its reveal window (runBy + challengeWindow). Slots that never
     * revealed are slashed to the requester.
     */
    function conclude(uint256 id) external {
        Job storage job = _jobs[id];
        if (job.state == State.Open) {
            if (block.timestamp <= job.claimBy) revert TooEarly(id, job.claimBy);
            _expireOpenRound(id, job);
        } else if (job.state == State.Running) {
            uint256 endsAt = uint256(job.runBy) + challengeWindow;
            if (block.timestamp <= endsAt) revert TooEarly(id, endsAt);
            _concludeRound(id, job);
        } else {
            revert NotConcludable(id, job.state);
        }
    }

    function withdraw() external nonReentrant {
        uint256 amount = credit[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        credit[msg.sender] = 0;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    // ---------------------------------------------------------------- rounds

    function _needed(Job storage job) private view returns (uint256) {
        return job.round == Round.Main ? job.replicas : 1;
    }

    function _setRoundPrice(Job storage job, uint96 price) private {
        if (job.round == Round.Main) job.price = price;
        else job.extraPrice = price;
    }

    function _slotPrice(Job storage job, uint256 slot) private view returns (uint96) {
        // Only the current extra round's slot (tiebreaker, verifier) is paid the extra price.
        return job.round != Round.Main && slot >= job.roundStart ? job.extraPrice : job.price;
    }

    function _checkEligible(uint256 id, Job storage job, address provider) private view {
        // The requester (or its verifier) must never be the one whose digest decides its own job.
        if (provider == job.requester) revert RequesterCannotServe(id);
        // One slot per account per job: no replica twice, no verifying oneself, no re-claiming a release.
        uint256 count = job.slotCount;
        for (uint256 i = 0; i < count; i++) {
            if (_slot(id, i).provider == provider) revert Barred(id, provider);
        }
        uint32 required = job.minProviderSettled;
        if (required > 0) {
            uint32 settled = _providers[provider].settled;
            if (settled < required) revert RecordTooShort(settled, required);
        }
    }

    function _fillSlot(uint256 id, Job storage job, address provider, uint96 price) private {
        uint256 index = job.slotCount;
        job.slotCount = uint8(index + 1);
        // One whole-word write (provider, startedAt, billed 0, status Running in Slot's layout),
        // so nothing of the bid that used this word is left in it.
        uint256 word = uint256(uint160(provider)) | (block.timestamp << 160) | (uint256(SlotStatus.Running) << 224);
        _words[id][2 * index + 1] = bytes32(word);
        job.filled += 1;
        if (job.filled == _needed(job)) job.state = State.Running;
        emit SlotAssigned(id, index, provider, price, job.round);
    }

    function _holderSlot(uint256 id, Job storage job, uint256 slot, SlotStatus status)
        private
        view
        returns (Slot storage s)
    {
        s = _slot(id, slot);
        if (s.provider != msg.sender || slot < job.roundStart || slot >= job.slotCount) {
            revert NotSlotHolder(id, slot, msg.sender);
        }
        if (job.state != State.Open && job.state != State.Running) revert SlotNotRunning(id, slot);
        if (s.status != status) {
            if (status == SlotStatus.Committed) revert SlotNotCommitted(id, slot);
            revert SlotNotRunning(id, slot);
        }
    }

    /**
     * A new round on the same escrow. Extra rounds (tiebreak, verify) push runBy out so the new
     * slot has its full duration; a release's reopen does not (it only uses time that is left).
     */
    function _openRound(uint256 id, Job storage job, Round round, bool extend) private {
        job.round = round;
        job.roundNo += 1;
        job.roundStart = job.slotCount;
        job.filled = 0;
        job.committed = 0;
        job.revealed = 0;
        job.state = State.Open;
        uint256 nowTs = block.timestamp;
        uint256 bidEnds = job.bidWindowSeconds == 0 ? 0 : nowTs + job.bidWindowSeconds;
        uint256 claimBy = (bidEnds == 0 ? nowTs : bidEnds) + reopenWindow;
        job.bidEnds = uint64(bidEnds);
        job.claimBy = uint64(claimBy);
        uint256 runBy = claimBy + job.maxDurationSeconds + reopenWindow;
        if (extend && runBy > job.runBy) job.runBy = uint64(runBy);
        emit RoundOpened(id, round, job.roundNo, uint64(bidEnds), job.claimBy, job.runBy);
    }

    /// After a release: the rest of the job reopens if it still fits before runBy, else ends.
    function _reopenOrRefund(uint256 id, Job storage job) private {
        uint256 window = job.bidWindowSeconds == 0 ? reopenWindow : uint256(job.bidWindowSeconds) + reopenWindow;
        if (job.maxDurationSeconds > 0 && block.timestamp + window + job.maxDurationSeconds <= job.runBy) {
            _openRound(id, job, Round.Main, false);
        } else {
            _finish(id, job, false, false);
        }
    }

    function _submit(uint256 id, Job storage job, uint256 slot, Slot storage s) private {
        job.state = State.Submitted;
        job.submittedAt = uint64(block.timestamp);
        emit ResultSubmitted(id, slot, s.provider, _hashOf(id, slot), s.billedSeconds);
    }

    /// Every slot of the round revealed, or its reveal window passed.
    function _concludeRound(uint256 id, Job storage job) private {
        if (job.round == Round.Verify) return _resolveDispute(id, job);
        if (job.replicas == 1) {
            // A single replica that committed went to Submitted at once: this one never committed.
            _slash(id, job, job.roundStart);
            return _finish(id, job, false, false);
        }
        _tallyReplicas(id, job);
    }

    /// The digest revealed by at least two slots wins; two replicas short of that get a third.
    function _tallyReplicas(uint256 id, Job storage job) private {
        (bytes32 majority, uint256 votes) = _majority(id, job);
        if (votes >= 2) return _settleMajority(id, job, majority);
        // One vote at most: a disagreement (or a silent twin) of a 2-replica job gets a tiebreaker.
        if (job.round == Round.Main && job.replicas == 2 && votes == 1) {
            return _openRound(id, job, Round.Tiebreak, true);
        }
        _settleNoMajority(id, job);
    }

    function _majority(uint256 id, Job storage job) private view returns (bytes32 best, uint256 bestVotes) {
        uint256 count = job.slotCount;
        for (uint256 i = 0; i < count; i++) {
            if (_slot(id, i).status != SlotStatus.Revealed) continue;
            bytes32 digest = _hashOf(id, i);
            uint256 votes;
            for (uint256 j = 0; j < count; j++) {
                if (_slot(id, j).status == SlotStatus.Revealed && _hashOf(id, j) == digest) votes++;
            }
            if (votes > bestVotes) (best, bestVotes) = (digest, votes);
        }
    }

    /// The majority is paid; every other slot that ran (different digest, or none) is slashed.
    function _settleMajority(uint256 id, Job storage job, bytes32 majority) private {
        uint256 count = job.slotCount;
        for (uint256 i = 0; i < count; i++) {
            Slot storage s = _slot(id, i);
            if (s.status == SlotStatus.Done || s.status == SlotStatus.Empty) continue;
            if (s.status == SlotStatus.Revealed && _hashOf(id, i) == majority) {
                _providers[s.provider].agreed += 1;
                _paySlot(id, job, i, s);
            } else {
                _slash(id, job, i);
            }
        }
        _finish(id, job, true, false);
    }

    /// No digest has two votes: nobody can be called honest, so nobody is paid; only slots that
    /// never revealed are slashed (they certainly failed), and the escrow goes back.
    function _settleNoMajority(uint256 id, Job storage job) private {
        uint256 count = job.slotCount;
        for (uint256 i = 0; i < count; i++) {
            Slot storage s = _slot(id, i);
            if (s.status == SlotStatus.Revealed) _free(id, i, s);
            else if (s.status != SlotStatus.Done && s.status != SlotStatus.Empty) _slash(id, job, i);
        }
        _finish(id, job, false, false);
    }

    /// claimBy passed with the round not filled: no slot had its chance to run, nobody is slashed.
    function _expireOpenRound(uint256 id, Job storage job) private {
        Bid[] memory bids = _takeBids(id, job);
        for (uint256 i = 0; i < bids.length; i++) _unlockStake(bids[i].provider);
        for (uint256 i = job.roundStart; i < job.slotCount; i++) _free(id, i, _slot(id, i));
        if (job.round == Round.Verify) return _disputeLapsed(id, job);
        if (job.round == Round.Tiebreak) return _settleNoMajority(id, job);
        _finish(id, job, false, false);
    }

    // ---------------------------------------------------------------- ending

    function _settleSubmission(uint256 id, Job storage job, bool byRequester) private {
        uint256 slot = job.slotCount - 1;
        Slot storage s = _slot(id, slot);
        _paySlot(id, job, slot, s);
        if (job.released) {
            // The next provider resumes from the checkpoint: only the time left is for sale.
            job.released = false;
            job.maxDurationSeconds -= s.billedSeconds;
            return _reopenOrRefund(id, job);
        }
        _finish(id, job, true, byRequester);
    }

    /**
     * The verifier's digest decides. Match: the provider is paid from the escrow, the bond pays the
     * verifier and the rest of the bond compensates the provider. Mismatch (or a provider that did
     * not reveal once the verifier had committed): the provider's stake goes to the requester, the
     * verifier is paid from the escrow, the bond and the rest of the escrow go back. A verifier
     * that never revealed is slashed and the dispute lapses.
     */
    function _resolveDispute(uint256 id, Job storage job) private {
        uint256 disputedIndex = job.roundStart - 1;
        uint256 verifierIndex = job.roundStart;
        Slot storage disputed = _slot(id, disputedIndex);
        Slot storage verifier = _slot(id, verifierIndex);
        if (verifier.status != SlotStatus.Revealed) {
            _slash(id, job, verifierIndex);
            return _disputeLapsed(id, job);
        }
        address provider = disputed.provider;
        uint256 bond = job.bond;
        job.bond = 0;
        if (disputed.status == SlotStatus.Revealed && _hashOf(id, verifierIndex) == _hashOf(id, disputedIndex)) {
            _providers[provider].disputesWon += 1;
            _requesters[job.requester].disputesLost += 1;
            _paySlot(id, job, disputedIndex, disputed);
            uint256 toVerifier = _payFrom(id, verifierIndex, verifier, job.extraPrice, bond);
            _unlockStake(verifier.provider);
            verifier.status = SlotStatus.Done;
            if (bond > toVerifier) credit[provider] += bond - toVerifier;
            emit DisputeResolved(id, provider, true, false);
        } else {
            _providers[provider].disputesLost += 1;
            _requesters[job.requester].disputesWon += 1;
            _slash(id, job, disputedIndex);
            _paySlot(id, job, verifierIndex, verifier);
            credit[job.requester] += bond;
            emit DisputeResolved(id, provider, false, false);
        }
        _finish(id, job, true, false);
    }

    /// Nobody verified: the result stands (the provider is paid) and the bond goes back.
    function _disputeLapsed(uint256 id, Job storage job) private {
        uint256 disputedIndex = job.roundStart - 1;
        credit[job.requester] += job.bond;
        job.bond = 0;
        emit DisputeResolved(id, _slot(id, disputedIndex).provider, true, true);
        _paySlot(id, job, disputedIndex, _slot(id, disputedIndex));
        _finish(id, job, true, false);
    }

    /// Pays a slot from the escrow at its round's price for its billed seconds, unlocks its stake.
    function _paySlot(uint256 id, Job storage job, uint256 index, Slot storage s) private {
        uint256 escrow = job.escrow;
        uint256 gross = _payFrom(id, index, s, _slotPrice(job, index), escrow);
        job.escrow = uint128(escrow - gross);
        ProviderRecord storage record = _providers[s.provider];
        record.settled += 1;
        record.billedSeconds += s.billedSeconds;
        _unlockStake(s.provider);
        s.status = SlotStatus.Done;
    }

    /// gross = price x seconds / 3600 rounded down (toward the payer), capped by what is available.
    function _payFrom(uint256 id, uint256 index, Slot storage s, uint96 price, uint256 available)
        private
        returns (uint256 gross)
    {
        gross = (uint256(price) * s.billedSeconds) / SECONDS_PER_HOUR;
        if (gross > available) gross = available;
        uint256 fee = (gross * feeBps) / BPS;
        if (gross - fee > 0) credit[s.provider] += gross - fee;
        if (fee > 0) credit[feeRecipient] += fee;
        emit SlotPaid(id, index, s.provider, gross, fee);
    }

    /// The slot's locked stake goes to the requester.
    function _slash(uint256 id, Job storage job, uint256 index) private {
        Slot storage s = _slot(id, index);
        address provider = s.provider;
        uint128 amount = uint128(minStake);
        _stakes[provider].locked -= amount;
        credit[job.requester] += amount;
        _providers[provider].slashes += 1;
        s.status = SlotStatus.Done;
        emit Slashed(id, index, provider, amount);
    }

    /// The slot ends unpaid and unpunished (its stake unlocked).
    function _free(uint256 id, uint256 index, Slot storage s) private {
        if (s.status == SlotStatus.Done || s.status == SlotStatus.Empty) return;
        _unlockStake(s.provider);
        s.status = SlotStatus.Done;
        emit SlotFreed(id, index, s.provider);
    }

    /// The rest of the escrow goes back to the requester; the job ends.
    function _finish(uint256 id, Job storage job, bool settled, bool byRequester) private {
        uint256 rest = job.escrow;
        job.escrow = 0;
        if (rest > 0) credit[job.requester] += rest;
        if (settled) {
            job.state = State.Settled;
            emit JobSettled(id, job.requester, rest, byRequester);
        } else {
            job.state = State.Refunded;
            _requesters[job.requester].refunds += 1;
            emit JobRefunded(id, job.requester, rest);
        }
    }

    // ---------------------------------------------------------------- stake and tokens

    function _checkSeconds(Job storage job, Slot storage s, uint32 seconds_) private view {
        if (seconds_ > job.maxDurationSeconds) revert SecondsExceedMaxDuration(seconds_, job.maxDurationSeconds);
        uint256 elapsed = block.timestamp - s.startedAt;
        if (seconds_ > elapsed) revert SecondsExceedElapsed(seconds_, elapsed);
    }

    function _lockStake(address provider) private {
        Stake memory stake = _stakes[provider];
        uint128 required = uint128(minStake);
        if (stake.free < required) revert InsufficientFreeStake(stake.free, required);
        _stakes[provider] = Stake(stake.free - required, stake.locked + required);
    }

    function _unlockStake(address provider) private {
        Stake memory stake = _stakes[provider];
        uint128 amount = uint128(minStake);
        _stakes[provider] = Stake(stake.free + amount, stake.locked - amount);
    }

    /// Pulls exactly `amount`: a fee-on-transfer token would make the escrow promise more than it holds.
    function _pullExact(address from, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferToken(amount, received);
    }
}
