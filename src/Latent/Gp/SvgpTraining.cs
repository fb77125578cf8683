using Latent.Gp.Models;

namespace Latent.Gp;

/// <summary>Maximises an SVGP's ELBO with Adam on shuffled minibatches drawn from the run's seeded generator.</summary>
public static class SvgpTraining
{
    /// <summary>
    /// Runs the given number of Adam steps on −ELBO; X [N, D] may be float32 or float64 (each batch is converted to the model's type), y is indexed by row.
    /// Returns the minibatch ELBO estimate of every step taken; progress receives (step, ELBO) after each step.
    /// With a time limit, training stops after the first step that ends past it (so fewer steps may be returned).
    /// With a final learning rate, the rate follows a cosine from learningRate at the first step to finalLearningRate at the last.
    /// With a natural-gradient step size, q(u) takes natural-gradient steps of that size and Adam trains the rest.
    /// With a checkpoint path, model, Adam, generator, batch order and ELBOs are written atomically every <paramref name="checkpointEvery"/>
    /// steps, at the end and when <paramref name="stop"/> interrupts the run after a step (then <see cref="TrainingInterruptedException"/>);
    /// <paramref name="resume"/> continues from that file to the same numbers as an uninterrupted run (the time limit counts from this call).
    /// </summary>
    public static IReadOnlyList<double> Train(Svgp model, Tensor X, Tensor y, int iterations, int batchSize, double learningRate, Generator generator,
        Action<int, double>? progress = null, TimeSpan? timeLimit = null, double? finalLearningRate = null, double? naturalGradientStep = null,
        string? checkpointPath = null, bool resume = false, int checkpointEvery = 200, CancellationToken stop = default)
    {
        if (resume && checkpointPath is null) throw new LatentException("SVGP training: resume needs a checkpoint path");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (X.dim() != 2 || y.dim() < 1 || y.shape[0] != X.shape[0]) throw new LatentException($"SVGP training: X [N, D] and y [N, …] must have the same N, got [{string.Join(", ", X.shape)}] and [{string.Join(", ", y.shape)}]");
        if (iterations < 0 || batchSize < 1) throw new LatentException($"SVGP training: iterations must be ≥ 0 and batch size ≥ 1, got {iterations} and {batchSize}");
        if (!(learningRate > 0)) throw new LatentException($"SVGP training: learning rate must be positive, got {learningRate}");
        if (finalLearningRate is { } final && !(final > 0)) throw new LatentException($"SVGP training: final learning rate must be positive, got {final}");
        var n = X.shape[0];
        var batch = Math.Min(batchSize, n);
        if (naturalGradientStep is { } gamma) NaturalGradient.CheckStepSize(gamma);
        var parameters = model.parameters().Where(p => p.requires_grad && !(naturalGradientStep is not null && model.IsVariational(p))).ToList();
        using var optimizer = optim.Adam(parameters, learningRate);
        var elbos = new List<double>(iterations);
        Tensor? order = null;
        long position = n;
        if (resume)
        {
            var state = Checkpoint.Load(checkpointPath!, model, optimizer, generators: [generator], extra: reader =>
            {
                position = reader.ReadInt64();
                var saved = new long[reader.ReadInt32()];
                for (var i = 0; i < saved.Length; i++) saved[i] = reader.ReadInt64();
                if (position < 0 || position > n || saved.Length != 0 && saved.Length != n || saved.Any(row => row < 0 || row >= n))
                    throw new LatentException($"{checkpointPath}: the checkpoint's batch order does not fit {n} training examples");
                order = saved.Length == 0 ? null : tensor(saved, device: X.device);
            });
            if (state.Step > iterations) throw new LatentException($"{checkpointPath}: the checkpoint is at step {state.Step}, past the {iterations} iterations of this run");
            elbos.AddRange(state.Curve.Steps.Select(point => point.Value));
        }
        void Save()
        {
            if (checkpointPath is null) return;
            var curve = new LearningCurve();
            curve.Steps.AddRange(elbos.Select((elbo, i) => new CurvePoint(i + 1, (double)(i + 1) * batch / n, elbo)));
            using var host = order?.cpu();
            var rows = host?.data<long>().ToArray() ?? [];
            Checkpoint.Save(checkpointPath, model, optimizer, new Checkpoint.State(0, elbos.Count, curve), generators: [generator], extra: writer =>
            {
                writer.Write(position);
                writer.Write(rows.Length);
                foreach (var row in rows) writer.Write(row);
            });
        }
        try
        {
            for (var step = elbos.Count; step < iterations; step++)
            {
                if (position + batch > n)
                {
                    order?.Dispose();
                    order = randperm(n, generator: generator, device: X.device);
                    position = 0;
                }
                using var scope = NewDisposeScope();
                var rows = order!.narrow(0, position, batch);
                position += batch;
                if (finalLearningRate is { } last)
                    optimizer.ParamGroups.First().LearningRate = CosineRate(learningRate, last, step, iterations);
                optimizer.zero_grad();
                var elbo = model.Elbo(X.index_select(0, rows).to(model.Dtype), y.index_select(0, rows));
                var value = elbo.ToDouble();
                if (double.IsNaN(value)) throw new LatentException($"SVGP training: the ELBO became NaN at step {step}; lower the learning rate");
                (-elbo).backward();
                if (naturalGradientStep is { } naturalStep) NaturalGradient.Step(model, naturalStep);
                optimizer.step();
                elbos.Add(value);
                progress?.Invoke(step, value);
                bool more = step + 1 < iterations && !(clock.Elapsed > timeLimit);
                if (!more || checkpointEvery > 0 && elbos.Count % checkpointEvery == 0 || stop.IsCancellationRequested) Save();
                if (!more) break;
                if (stop.IsCancellationRequested) throw new TrainingInterruptedException(elbos.Count, checkpointPath);
            }
        }
        finally
        {
            order?.Dispose();
        }
        return elbos;
    }

    /// <summary>The cosine-annealed rate at step (0-based) of iterations: first at step 0, last at the final step.</summary>
    public static double CosineRate(double first, double last, int step, int iterations) =>
        iterations <= 1 ? first : last + 0.5 * (first - last) * (1 + Math.Cos(Math.PI * step / (iterations - 1)));
}
