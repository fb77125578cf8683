using TorchSharp.Modules;

namespace Latent.Training;

/// <summary>
/// Owns the training loop: seeded shuffled mini-batches of example indices, one dispose scope per step,
/// NaN/Inf detection before the update, loss recording, optional gradient clipping, periodic evaluation,
/// an optional moving average of the parameters, and atomic per-epoch checkpoints that <see cref="TrainerOptions.Resume"/> continues from;
/// <see cref="TrainerOptions.Stop"/> interrupts it after a step with a mid-epoch checkpoint, from which the resumed run reaches
/// the same weights as an uninterrupted one. With <see cref="TrainerOptions.Patience"/> it stops once the validation figure has not
/// improved for that many epochs and leaves the model with the best epoch's weights; with a <see cref="Log"/> it writes TensorBoard scalars.
/// A <see cref="LearningRateSchedule"/> sets the rate of every step; <see cref="TrainerOptions.TimeLimit"/> ends the run early and
/// <see cref="TrainerOptions.CheckpointEverySteps"/> checkpoints by steps instead of epochs.
/// </summary>
public sealed class Trainer
{
    private readonly nn.Module model;
    private readonly TrainerOptions options;
    private readonly ParameterAverage? average;

    /// <summary>
    /// Creates a trainer for <paramref name="model"/> with an optimizer built from <paramref name="optimizer"/> over
    /// <paramref name="optimized"/> (null: all of the model's parameters; a subset when something else, such as natural-gradient
    /// steps in <see cref="AfterStep"/>, updates the rest).
    /// </summary>
    public Trainer(nn.Module model, OptimizerSettings optimizer, TrainerOptions options, IEnumerable<Parameter>? optimized = null)
    {
        this.model = model;
        this.options = options.Validate();
        Optimizer = optimizer.Create(optimized ?? model.parameters());
        if (this.options.AverageDecay is { } decay) average = new ParameterAverage(model.parameters(), decay);
    }

    /// <summary>The optimizer the trainer steps (exposed for inspection, e.g. of Adam's moments).</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>The curve recorded so far; still readable after training stops with an error.</summary>
    public LearningCurve Curve { get; private set; } = new();

    /// <summary>Called after every step, for progress bars.</summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>An evaluation (for example the loss on all training data) recorded on the curve's evaluation series; runs in eval mode without gradients.</summary>
    public Func<double>? Evaluate { get; init; }

    /// <summary>Called after every optimizer step, inside no_grad (for example to project parameters back onto a constraint set).</summary>
    public Action? AfterStep { get; init; }

    /// <summary>Called at the start of each epoch with its index (for example to re-binarize data).</summary>
    public Action<int>? BeforeEpoch { get; init; }

    /// <summary>Generators the loss draws from (beside the global one); checkpoints keep their state so a resumed run draws the same numbers.</summary>
    public IReadOnlyList<Generator> Generators { get; init; } = [];

    /// <summary>Writes the caller's own training state (for example a second optimizer) into every checkpoint, for <see cref="LoadState"/>.</summary>
    public Action<BinaryWriter>? SaveState { get; init; }

    /// <summary>Reads back, on resume, what <see cref="SaveState"/> wrote.</summary>
    public Action<BinaryReader>? LoadState { get; init; }

    /// <summary>
    /// The figure early stopping watches after every epoch, lower being better (for example a loss on held-out data); it runs like
    /// <see cref="Evaluate"/>. Null: the latest value <see cref="Evaluate"/> returned.
    /// </summary>
    public Func<double>? Validate { get; init; }

    /// <summary>What <see cref="Validate"/> measures, in words (such as "perplexity"), for messages and the run log.</summary>
    public string ValidationName { get; init; } = "loss";

    /// <summary>What <see cref="Evaluate"/> measures, in words (such as "test accuracy"), for the run log.</summary>
    public string EvaluationName { get; init; } = "evaluation";

    /// <summary>The learning rate of each step (argument: the step's 0-based index in the whole run), set on every parameter group before the step; null keeps the optimizer's rate.</summary>
    public Func<long, double>? LearningRateSchedule { get; init; }

    /// <summary>TensorBoard log: training loss and learning rate every <see cref="RunLog.EverySteps"/> steps, the epoch's mean loss, evaluations and validation figures.</summary>
    public RunLog? Log { get; init; }

    /// <summary>
    /// Trains on <paramref name="exampleCount"/> examples; <paramref name="batchLoss"/> maps a 1-D int64 tensor of
    /// example indices to a scalar loss. Returns the learning curve (including any resumed part).
    /// </summary>
    public LearningCurve Fit(long exampleCount, Func<Tensor, Tensor> batchLoss)
    {
        if (exampleCount < 1) throw new LatentException($"training needs at least one example, got {exampleCount}");
        if (options.Patience is not null && Validate is null && Evaluate is null) throw new LatentException("early stopping needs a validation figure to watch");
        int startEpoch = 0;
        long step = 0;
        var curve = Curve = new LearningCurve();
        long stepsPerEpoch = (exampleCount + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = Math.Min(stepsPerEpoch * options.Epochs, options.MaxSteps ?? long.MaxValue);
        using var stopping = options.Patience is { } patience ? new EarlyStopping(patience) : null;
        if (options.Resume)
        {
            var state = Checkpoint.Load(options.CheckpointPath!, model, Optimizer, average, Generators, LoadState, stopping);
            (startEpoch, step, curve) = (state.EpochsCompleted, state.Step, state.Curve);
            Curve = curve;
            if (step > totalSteps) throw new LatentException($"{options.CheckpointPath}: the checkpoint is at step {step}, past the {totalSteps} steps of this run");
            if (step < startEpoch * stepsPerEpoch || step >= (startEpoch + 1) * stepsPerEpoch && startEpoch < options.Epochs)
                throw new LatentException($"{options.CheckpointPath}: checkpoint at step {step} of epoch {startEpoch + 1} does not fit {stepsPerEpoch} steps per epoch");
        }
        var parameters = model.parameters().ToArray();
        int epochsRun = startEpoch;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool more = step < totalSteps;

        for (int epoch = startEpoch; epoch < options.Epochs && more && stopping?.Exhausted != true; epoch++)
        {
            BeforeEpoch?.Invoke(epoch);
            model.train();
            using var order = EpochOrder(exampleCount, epoch);
            long epochSteps = step - epoch * stepsPerEpoch;
            double epochLossSum = curve.Steps.Where(p => p.Step > epoch * stepsPerEpoch).Sum(p => p.Value);
            for (long start = epochSteps * options.BatchSize; start < exampleCount && more; start += options.BatchSize)
            {
                if (LearningRateSchedule is { } schedule)
                    foreach (var group in Optimizer.ParamGroups) group.LearningRate = schedule(step);
                double loss = TrainStep(order, start, Math.Min(options.BatchSize, exampleCount - start), batchLoss, parameters, step, epoch);
                step++;
                epochSteps++;
                epochLossSum += loss;
                double epochPosition = epoch + (double)epochSteps / stepsPerEpoch;
                curve.Steps.Add(new CurvePoint(step, epochPosition, loss));
                if (Log is not null && step % Log.EverySteps == 0) LogStep(step, loss);
                if (options.EvaluateEverySteps > 0 && step % options.EvaluateEverySteps == 0) RecordEvaluation(curve, step, epochPosition);
                Progress?.Invoke(new TrainingProgress(epoch, options.Epochs, step, totalSteps, loss));
                more = step < totalSteps && !(clock.Elapsed > options.TimeLimit) && Optimizer is not Lbfgs { Converged: true };
                if (epochSteps == stepsPerEpoch) continue;
                if (options.Stop.IsCancellationRequested && more) Interrupt(epoch, step, curve, stopping);
                if (options.CheckpointPath is not null && (!more || options.CheckpointEverySteps is { } every && step % every == 0))
                    Checkpoint.Save(options.CheckpointPath, model, Optimizer, new Checkpoint.State(epoch, step, curve), average, Generators, SaveState, stopping);
            }
            double epochEnd = epoch + (double)epochSteps / stepsPerEpoch;
            curve.Epochs.Add(new CurvePoint(step, epochEnd, epochLossSum / epochSteps));
            Log?.Scalar("train/epoch_loss", epochLossSum / epochSteps, step);
            if (options.EvaluateEverySteps == 0) RecordEvaluation(curve, step, epochEnd);
            if (stopping is not null) RecordValidation(curve, stopping, epoch + 1, step);
            epochsRun = epoch + 1;
            bool due = options.CheckpointEverySteps is not { } interval || step % interval == 0 || !more || options.Stop.IsCancellationRequested;
            if (options.CheckpointPath is not null && epochSteps == stepsPerEpoch && due)
                Checkpoint.Save(options.CheckpointPath, model, Optimizer, new Checkpoint.State(epoch + 1, step, curve), average, Generators, SaveState, stopping);
            if (options.Stop.IsCancellationRequested && epoch + 1 < options.Epochs && more && stopping?.Exhausted != true)
                throw new TrainingInterruptedException(step, options.CheckpointPath);
        }
        if (stopping?.RestoreBest(model) != true) average?.CopyIntoParameters();
        curve.EarlyStop = stopping?.Outcome(ValidationName, epochsRun, options.Epochs);
        model.eval();
        return curve;
    }

    /// <summary>Writes the step's loss and the optimizer's learning rate (when it has parameter groups; L-BFGS has none) to the run log.</summary>
    private void LogStep(long step, double loss)
    {
        Log!.Scalar("train/loss", loss, step);
        if (Optimizer.ParamGroups.FirstOrDefault() is { } group) Log.Scalar("train/learning_rate", group.LearningRate, step);
    }

    /// <summary>The validation figure after <paramref name="epoch"/> (1-based), measured on the weights evaluations see; early stopping keeps them when it improves.</summary>
    private void RecordValidation(LearningCurve curve, EarlyStopping stopping, int epoch, long step)
    {
        model.eval();
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            var displaced = average?.SwapIn() ?? [];
            try
            {
                double value = Validate is { } validate ? validate() : curve.Evaluations[^1].Value;
                stopping.Observe(epoch, value, model);
                Log?.Scalar($"validation/{RunLog.Tag(ValidationName)}", value, step);
            }
            finally
            {
                average?.Restore(displaced);
            }
        }
        model.train();
    }

    /// <summary>Writes the mid-epoch checkpoint (epoch not yet complete) and stops the run.</summary>
    private void Interrupt(int epoch, long step, LearningCurve curve, EarlyStopping? stopping)
    {
        if (options.CheckpointPath is not null)
            Checkpoint.Save(options.CheckpointPath, model, Optimizer, new Checkpoint.State(epoch, step, curve), average, Generators, SaveState, stopping);
        throw new TrainingInterruptedException(step, options.CheckpointPath);
    }

    /// <summary>
    /// One optimizer step on the batch at <paramref name="start"/>: the optimizer calls the closure (loss, NaN check, backward, clipping)
    /// once, or several times for L-BFGS, whose line search may try points where the loss is not finite (it then backs off). Returns
    /// the loss at the start of the step.
    /// </summary>
    private double TrainStep(Tensor order, long start, long length, Func<Tensor, Tensor> batchLoss, Parameter[] parameters, long step, int epoch)
    {
        using var scope = NewDisposeScope();
        var batch = order.narrow(0, start, length);
        double? first = null;
        Tensor Closure()
        {
            // L-BFGS evaluates the loss many times a step: each evaluation's intermediates (N × N matrices for a GP) are freed at once.
            using var evaluation = Optimizer is Lbfgs ? NewDisposeScope() : null;
            var loss = batchLoss(batch);
            double value = loss.ToDouble();
            if (first is null && !double.IsFinite(value)) throw new NonFiniteLossException(value, step + 1, epoch);
            first ??= value;
            Optimizer.zero_grad();
            if (double.IsFinite(value)) loss.backward();
            if (double.IsFinite(value) && options.ClipGradientNorm is { } maxNorm) nn.utils.clip_grad_norm_(parameters, maxNorm);
            return evaluation is null ? loss : loss.MoveToOuterDisposeScope();
        }
        Optimizer.step(Closure);
        if (AfterStep is not null)
        {
            using var noGrad = no_grad();
            AfterStep();
        }
        average?.Update();
        return first!.Value;
    }

    /// <summary>The epoch's example indices on the model's device; the shuffle is drawn on the CPU, so every device sees the same order.</summary>
    private Tensor EpochOrder(long exampleCount, int epoch)
    {
        var device = model.parameters().FirstOrDefault()?.device ?? CPU;
        if (!options.Shuffle) return arange(exampleCount, ScalarType.Int64, device: device);
        using var generator = new Generator(unchecked((ulong)options.Seed * 1_000_003UL + (ulong)epoch));
        using var order = randperm(exampleCount, ScalarType.Int64, generator: generator);
        return order.to(device);
    }

    private void RecordEvaluation(LearningCurve curve, long step, double epochPosition)
    {
        if (Evaluate is null) return;
        model.eval();
        double value;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            var displaced = average?.SwapIn() ?? [];
            try
            {
                value = Evaluate();
            }
            finally
            {
                average?.Restore(displaced);
            }
        }
        model.train();
        curve.Evaluations.Add(new CurvePoint(step, epochPosition, value));
        Log?.Scalar($"eval/{RunLog.Tag(EvaluationName)}", value, step);
    }
}
