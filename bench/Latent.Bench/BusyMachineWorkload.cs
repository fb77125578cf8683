using System.Diagnostics;
using System.Runtime.InteropServices;
using Latent.Data;
using Latent.Gp;
using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.Models;
using Latent.Text;
using Latent.Training;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// How much a busy machine slows training: short VAE, SVGP and LM training runs timed on the machine as it is ("quiet"), then
/// again beside N busy processes (shell loops) that the benchmark starts and stops itself; prints loaded/quiet per workload and in
/// total beside the fair share, (N + T) / T for T threads. Compare OpenMP wait policies by running it under different environments
/// (GOMP_SPINCOUNT=300000 is libgomp's own default, OMP_WAIT_POLICY=PASSIVE never spins).
/// </summary>
public sealed class BusyMachineWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "busy-machine";

    /// <inheritdoc />
    public string Description => "loaded/quiet time of short VAE, SVGP and LM training beside N busy processes it starts itself, per workload and in total [--busy N (default: the thread count)] [--rounds 2]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--busy", "--rounds");
        int threads = get_num_threads();
        int busy = Arguments.Int(args, "--busy", threads), rounds = Arguments.Int(args, "--rounds", 2);
        Console.WriteLine(LatentRuntime.Describe());
        var workloads = new (string Name, Action Step)[] { ("vae", VaeRun()), ("svgp", SvgpRun()), ("lm", LmRun()) };
        foreach (var (_, step) in workloads) step();
        var quiet = workloads.ToDictionary(w => w.Name, _ => 0.0);
        var loaded = workloads.ToDictionary(w => w.Name, _ => 0.0);
        Console.WriteLine($"{rounds} round(s); each times every workload quiet, then beside {busy} busy process(es)");
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, step) in workloads)
            {
                double alone = Time(step);
                double beside;
                using (BusyProcesses.Start(busy)) beside = Time(step);
                quiet[name] += alone;
                loaded[name] += beside;
                Console.WriteLine($"  round {round + 1} {name,-4}: quiet {alone:F2} s, loaded {beside:F2} s, ratio {beside / alone:F2}");
            }
        }
        double fair = (busy + threads) / (double)threads;
        foreach (var (name, _) in workloads)
            Console.WriteLine($"{name,-5}: quiet {quiet[name]:F2} s, loaded {loaded[name]:F2} s, loaded/quiet {loaded[name] / quiet[name]:F2}");
        double total = loaded.Values.Sum() / quiet.Values.Sum();
        Console.WriteLine($"total: loaded/quiet {total:F2} (fair share with {busy} busy process(es) beside {threads} thread(s): {fair:F2}; target ≤ {1.25 * fair:F2})");
    }

    private static double Time(Action step)
    {
        var clock = Stopwatch.StartNew();
        step();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>One epoch over 5,120 MNIST images (40 steps of 128) of the default Bernoulli VAE.</summary>
    private static Action VaeRun()
    {
        var images = Mnist.Load(null, MnistSplit.Train).Images.narrow(0, 0, 5_120);
        var data = new BinarizedImages(images, Binarization.None, seed: 1);
        RunSeed.Apply(1);
        var model = VariationalAutoencoder.Create(VaeOptions.Default with { Decoder = DecoderKind.Bernoulli }, (int)images.shape[1]);
        return () => VaeTraining.Fit(model, _ => new ElboObjective(), data, OptimizerSettings.Adam(1e-3), new TrainerOptions { Epochs = 1, BatchSize = 128, Seed = 1 });
    }

    /// <summary>Ten Adam steps of a q-diagonal SVGP on MNIST (M = 300, L = 10, batch 500, Matérn-5/2 + White ARD, RobustMax).</summary>
    private static Action SvgpRun()
    {
        const int inducing = 300, latents = 10;
        using var mnist = Mnist.Load(null, MnistSplit.Train);
        var images = mnist.Images.narrow(0, 0, 6_000).clone();
        var labels = mnist.Labels.narrow(0, 0, 6_000).clone();
        var z = InducingPoints.EveryKth(images, (int)(images.shape[0] / inducing)).narrow(0, 0, inducing);
        var kernel = new Matern52(1.0, Enumerable.Repeat(5.0, 784).ToArray()) + new White(0.01);
        var model = new Svgp(kernel, new MultiClass(latents, new RobustMax()), z, latents, images.shape[0], new SvgpOptions { QDiagonal = true });
        return () => SvgpTraining.Train(model, images, labels, new SvgpTrainingSettings(10, 500, 0.01));
    }

    /// <summary>Six steps of the LSTM LM (Brown, 256 units, tied, batch 32 × BPTT 35) through the Trainer.</summary>
    private static Action LmRun()
    {
        var train = BrownCorpus.LoadEmbedded().BengioSplit().Train;
        var vocabulary = Vocabulary.Build(train, minCount: 4, withUnknown: true);
        var batches = new TokenBatches(vocabulary.Encode(train), 32, 35, CPU);
        var options = new LanguageModelOptions { EmbeddingSize = 256, HiddenSize = 256 };
        manual_seed(1);
        var model = new LstmLanguageModel(vocabulary.Count, options, CPU);
        var bptt = new TruncatedBptt(model, batches);
        var trainer = new Trainer(model, OptimizerSettings.Adam(options.LearningRate), TruncatedBptt.TrainerOptions(1, options.ClipNorm, 1) with { MaxSteps = 6 });
        return () => trainer.Fit(batches.ChunkCount, bptt.Loss);
    }

    /// <summary>N processes that each keep one CPU busy (a shell loop), stopped on dispose and when this process is interrupted.</summary>
    private sealed class BusyProcesses : IDisposable
    {
        private readonly List<Process> processes = [];
        private readonly PosixSignalRegistration interrupt, terminate;

        private BusyProcesses()
        {
            interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Stop());
            terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Stop());
        }

        /// <summary>Starts <paramref name="count"/> busy processes and waits until they have had time to run.</summary>
        public static BusyProcesses Start(int count)
        {
            var busy = new BusyProcesses();
            for (int i = 0; i < count; i++)
                busy.processes.Add(Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })
                    ?? throw new LatentException("could not start a busy process (/bin/sh)"));
            Thread.Sleep(200);
            return busy;
        }

        private void Stop()
        {
            foreach (var process in processes)
            {
                try
                {
                    if (!process.HasExited) process.Kill();
                }
                catch (InvalidOperationException)
                {
                    // It exited between the check and the kill.
                }
            }
        }

        public void Dispose()
        {
            Stop();
            foreach (var process in processes)
            {
                process.WaitForExit();
                process.Dispose();
            }
            interrupt.Dispose();
            terminate.Dispose();
        }
    }
}
