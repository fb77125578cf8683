using Latent.Data;
using Latent.Training;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Seconds and fraction of the fp32 matmul peak (measured in the same run) of the IWAE log-likelihood estimate with k = 1000 on
/// MNIST test images, for the 784-400-20 VAE with the Bernoulli and the learned-variance Gaussian decoder, each trained for a few
/// steps first; Latent's estimate beside the straightforward streamed one (decoder distribution's log-density per chunk of draws,
/// running logsumexp), both from the same seed, with page faults and peak RSS.
/// </summary>
public sealed class VaeIwaeWorkload : IWorkload
{
    private const int BatchSize = 128;

    /// <inheritdoc/>
    public string Name => "vae-iwae";

    /// <inheritdoc/>
    public string Description => "IWAE k=1000 estimate, 784-400-20 VAE, Bernoulli and learned Gaussian decoders: fraction of fp32 peak, Latent vs straightforward streamed [--examples 200] [--samples 1000] [--train-steps 100] [--decoder bernoulli|gaussian-learned|both] [--no-baseline] [--block 25 examples per alternation] [--rows decoder rows per chunk] [--threads N] [--data DIR]";

    /// <inheritdoc/>
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--examples", "--samples", "--train-steps", "--decoder", "--no-baseline", "--block", "--rows", "--threads", "--data");
        int examples = Arguments.Int(args, "--examples", 200), samples = Arguments.Int(args, "--samples", 1000), trainSteps = Arguments.Int(args, "--train-steps", 100);
        string decoders = Arguments.Text(args, "--decoder") ?? "both";
        if (decoders is not ("bernoulli" or "gaussian-learned" or "both")) throw new LatentException($"--decoder must be bernoulli, gaussian-learned or both, got '{decoders}'");
        bool baseline = !args.Contains("--no-baseline");
        int block = Arguments.Int(args, "--block", 25);
        long? rows = Arguments.Text(args, "--rows") is null ? null : Arguments.Int(args, "--rows", 1);
        Arguments.ApplyThreads(args);
        string? dataDirectory = Arguments.Text(args, "--data");

        Tensor trainImages, testImages;
        using (var train = Mnist.Load(dataDirectory, MnistSplit.Train)) trainImages = train.Images.narrow(0, 0, Math.Min(train.Images.shape[0], (long)trainSteps * BatchSize)).clone();
        using (var test = Mnist.Load(dataDirectory, MnistSplit.Test)) testImages = test.Images.narrow(0, 0, Math.Min(test.Images.shape[0], examples)).clone();
        int inputSize = (int)testImages.shape[1];
        Console.WriteLine($"IWAE k = {samples} over the first {testImages.shape[0]} MNIST test images; models trained {trainSteps} steps of batch {BatchSize} (Adam 1e-3)");
        double peakBefore = MatmulPeak.MeasureGflops(ScalarType.Float32);
        var results = new List<Func<double, string>>();

        foreach (var kind in new[] { DecoderKind.Bernoulli, DecoderKind.GaussianLearned })
        {
            if (decoders != "both" && decoders != (kind == DecoderKind.Bernoulli ? "bernoulli" : "gaussian-learned")) continue;
            var options = VaeOptions.Default with { Decoder = kind };
            RunSeed.Apply(1);
            using var model = VariationalAutoencoder.Create(options, inputSize);
            model.InitializeOutputBias(trainImages);
            using (var data = new BinarizedImages(trainImages, Binarization.None, seed: 1))
                VaeTraining.Fit(model, _ => new ElboObjective(), data, OptimizerSettings.Adam(1e-3), new TrainerOptions { Epochs = 1, BatchSize = BatchSize, Seed = 1 });
            model.eval();

            int outputs = kind == DecoderKind.GaussianLearned ? 2 * inputSize : inputSize;
            double flops = MatmulFlops(testImages.shape[0], samples, inputSize, options.Hidden[0], options.Latent, outputs);
            results.Add(_ => $"{options.Decoder} decoder ({inputSize}-{options.Hidden[0]}-{options.Latent}, {outputs} decoder outputs): {flops / 1e9:F1} GFLOP of encoder and decoder matmuls");

            // The two sides alternate over blocks of examples, so both share whatever load the machine carries.
            var latentSide = new Side("Latent");
            var streamedSide = new Side("streamed");
            using var latentNoise = new Generator(7);
            using var streamedNoise = new Generator(7);
            for (long start = 0; start < testImages.shape[0]; start += block)
            {
                using var scope = NewDisposeScope();
                var x = testImages.narrow(0, start, Math.Min(block, testImages.shape[0] - start));
                latentSide.Clock.Start();
                var estimate = ImportanceWeightedLikelihood.Estimate(model, x, samples, latentNoise, rowsPerChunk: rows);
                latentSide.Clock.Stop();
                latentSide.Add(estimate.LogLikelihood * estimate.Examples, estimate.StandardError * estimate.StandardError * estimate.Examples * (estimate.Examples - 1)
                                                                       + estimate.Examples * estimate.LogLikelihood * estimate.LogLikelihood, estimate.Examples);
                if (!baseline) continue;
                streamedSide.Clock.Start();
                var (sum, sumOfSquares) = StreamedEstimate(model, x, samples, streamedNoise);
                streamedSide.Clock.Stop();
                streamedSide.Add(sum, sumOfSquares, x.shape[0]);
            }
            results.Add(peak => latentSide.Result(flops, peak));
            if (!baseline) continue;
            results.Add(peak => streamedSide.Result(flops, peak));
            results.Add(_ => FormattableString.Invariant($"  Latent is {streamedSide.Clock.Seconds / latentSide.Clock.Seconds:F2}x the streamed estimate's speed; estimates differ by {latentSide.Mean - streamedSide.Mean:F3} nats (different draws: compare with the standard errors)"));
        }
        double peakAfter = MatmulPeak.MeasureGflops(ScalarType.Float32), peak = Math.Max(peakBefore, peakAfter);
        Console.WriteLine($"measured fp32 matmul peak (best of 2048x2048 torch.mm, before and after the estimates): {peakBefore:F1} and {peakAfter:F1} GFLOP/s; fractions below use {peak:F1}");
        foreach (var result in results) Console.WriteLine(result(peak));
    }

    /// <summary>One side's time, faults and running sums of the per-example estimates.</summary>
    private sealed class Side(string name)
    {
        private double sum, sumOfSquares;
        private long count;

        public FaultClock Clock { get; } = new();

        public double Mean => sum / count;

        public void Add(double blockSum, double blockSumOfSquares, long blockCount)
        {
            sum += blockSum;
            sumOfSquares += blockSumOfSquares;
            count += blockCount;
        }

        public string Result(double flops, double peak)
        {
            double standardError = Math.Sqrt(Math.Max(0, (sumOfSquares - count * Mean * Mean) / (count - 1)) / count);
            double gflops = flops / Clock.Seconds / 1e9;
            return FormattableString.Invariant(
                $"  {name,-8}: log p(x) {Mean:F3} ± {standardError:F3} nats, {Clock.Seconds:F2} s ({Clock.Seconds * 10_000 / count:F0} s per 10,000 examples), {gflops:F1} GFLOP/s = {gflops / peak:P0} of peak; {Clock.PerStep(count)} (per example)");
        }
    }

    /// <summary>Matmul FLOPs of the estimate: the encoder once per example, the decoder once per example and draw.</summary>
    private static double MatmulFlops(long examples, int samples, int input, int hidden, int latent, int outputs) =>
        examples * (2.0 * (input * hidden + hidden * 2 * latent) + samples * 2.0 * (latent * hidden + hidden * outputs));

    /// <summary>
    /// The straightforward estimate: for 65 examples at a time and chunks of at most 4M decoded features (a chunk ending at k/10 draws,
    /// where the smaller-k estimate is read off), draws z ~ q(z|x), sums
    /// log p(x|z) + log p(z) − log q(z|x) through the distributions' log-densities and keeps a running logsumexp per example.
    /// </summary>
    private static (double Sum, double SumOfSquares) StreamedEstimate(VariationalAutoencoder model, Tensor images, int samples, Generator generator)
    {
        using var noGrad = no_grad();
        long perBatch = Math.Clamp(65536 / samples, 1, 500), fewer = Math.Max(1, samples / 10);
        double sum = 0, sumOfSquares = 0;
        for (long start = 0; start < images.shape[0]; start += perBatch)
        {
            using var outer = NewDisposeScope();
            var x = images.narrow(0, start, Math.Min(perBatch, images.shape[0] - start));
            var posterior = model.Encode(x);
            long chunk = Math.Max(1, Math.Clamp((4 << 20) / model.InputSize, 1, 32768) / x.shape[0]);
            Tensor? running = null;
            for (long done = 0; done < samples;)
            {
                using var scope = NewDisposeScope();
                long end = Math.Min(done + chunk, done < fewer ? fewer : samples);
                var z = posterior.RSample(end - done, generator);
                done = end;
                var logWeights = model.Decode(z).LogProb(x)
                                 + Latent.Distributions.DiagonalGaussian.StandardNormal(z.shape, z.dtype, z.device).LogProb(z) - posterior.LogProb(z);
                var chunkSum = logWeights.logsumexp(0);
                running = (running is null ? chunkSum : stack([running, chunkSum]).logsumexp(0)).MoveToOuterDisposeScope();
            }
            var values = (running! - Math.Log(samples)).to(ScalarType.Float64);
            sum += values.sum().item<double>();
            sumOfSquares += values.square().sum().item<double>();
        }
        return (sum, sumOfSquares);
    }
}
