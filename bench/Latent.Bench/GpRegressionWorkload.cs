using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Latent;

namespace Latent.Bench;

/// <summary>
/// GP regression as a user runs it: `latent gp train` as a whole process (start-up, CSV reading, L-BFGS, saving and evaluation included)
/// on 2,000 synthetic points × 10 features with ARD Matérn-5/2 + White, beside scikit-learn's GaussianProcessRegressor (same kernel
/// family, normalize_y, one optimizer start) timed around its fit alone in the same run when Debian's python3-sklearn is installed;
/// and SGPR on 30,000 points with M = 500 (k-means inducing inputs kept fixed), as a whole process with its peak resident memory and page
/// faults, against exact GPR on a 2,000-point subset of the same data, on the same test points; SGPR runs first.
/// </summary>
public sealed class GpRegressionWorkload : IWorkload
{
    private const int Features = 10, SmallCount = 2000, LargeCount = 30_000, TestCount = 2000;
    private const double TargetRmseRatio = 1.02, TargetNlpdGap = 0.02, TargetTimeRatio = 0.5, TargetSgprSeconds = 300;

    /// <inheritdoc />
    public string Name => "gp-regression";

    /// <inheritdoc />
    public string Description => "latent gp train (whole process) vs scikit-learn's GaussianProcessRegressor fit on 2,000 × 10 points (ARD Matérn-5/2 + White), then SGPR on 30,000 points M=500 vs GPR on a 2,000-point subset [--sgpr-iterations 1000] [--latent PATH] [--skip-sgpr] [--skip-gpr: only the SGPR part]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--sgpr-iterations", "--latent", "--skip-sgpr", "--skip-gpr");
        var latent = FindLatent(Arguments.Text(args, "--latent"));
        var folder = Directory.CreateTempSubdirectory("latent-gp-bench-").FullName;
        try
        {
            var random = new Random(7);
            var train = WriteCsv(Path.Combine(folder, "train-2000.csv"), Points(random, SmallCount));
            var large = Points(random, LargeCount);
            var test = WriteCsv(Path.Combine(folder, "test.csv"), Points(random, TestCount));
            Console.WriteLine($"data: y = sin(2 x0) + 0.5 x1² − x2 + 0.3 sin(3 x3) + 0.1 x4 x5 + noise (sd 0.1), x uniform on [−1.5, 1.5]^{Features} (x6…x9 irrelevant); {TestCount} test points");
            Console.WriteLine($"latent: {latent}");
            Console.WriteLine($"machine: {Environment.ProcessorCount} CPUs, {Word2VecBrownWorkload.Load()} at the start (figures measured on a loaded machine are slower)");
            // SGPR runs first, so that the children's peak resident memory read after it is its own.
            if (!args.Contains("--skip-sgpr")) CompareSgprWithSubset(latent, folder, large, test, Arguments.Int(args, "--sgpr-iterations", 1000));
            if (!args.Contains("--skip-gpr")) CompareWithSklearn(latent, folder, train, test);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Exact GPR on the 2,000 training points, as a whole `latent gp train` process, beside scikit-learn's fit on the same points.</summary>
    private static void CompareWithSklearn(string latent, string folder, string train, string test)
    {
        var python = Sklearn(out var version, out var why);
        Console.WriteLine(python is null ? $"scikit-learn: not measured: {why}" : $"scikit-learn {version}: measured in this run ({python})");

        var gpr = Train(latent, folder, "gpr-2000", train, test, "gpr");
        Console.WriteLine($"latent gp train --model gpr (2,000 points): whole process {gpr.Seconds:F1} s; test RMSE {gpr.Rmse:F4}, NLPD {gpr.Nlpd:F4}");
        if (python is not null)
        {
            var (fit, rmse, nlpd) = SklearnFit(python, train, test);
            Console.WriteLine($"scikit-learn GaussianProcessRegressor (2,000 points): fit {fit:F1} s; test RMSE {rmse:F4}, NLPD {nlpd:F4}");
            Console.WriteLine($"| figure | Latent | scikit-learn | Latent vs scikit-learn | target |");
            Console.WriteLine($"|---|---|---|---|---|");
            Console.WriteLine($"| test RMSE | {gpr.Rmse:F4} | {rmse:F4} | ×{gpr.Rmse / rmse:F3} | ≤ ×{TargetRmseRatio} |");
            Console.WriteLine($"| test NLPD (nats) | {gpr.Nlpd:F4} | {nlpd:F4} | {gpr.Nlpd - nlpd:+0.0000;-0.0000} | ≤ +{TargetNlpdGap} |");
            Console.WriteLine($"| time (Latent whole process / scikit-learn fit) | {gpr.Seconds:F1} s | {fit:F1} s | ×{gpr.Seconds / fit:F2} | ≤ ×{TargetTimeRatio} |");
        }
    }

    /// <summary>SGPR (M = 500) on all 30,000 points against exact GPR on the first 2,000 of them, on the same test points.</summary>
    private static void CompareSgprWithSubset(string latent, string folder, List<double[]> large, string test, int sgprIterations)
    {
        var largeFile = WriteCsv(Path.Combine(folder, "train-30000.csv"), large);
        var subset = WriteCsv(Path.Combine(folder, "subset-2000.csv"), large.Take(SmallCount).ToList());
        var (_, faultsBefore) = ChildUsage.Read();
        var sgpr = Train(latent, folder, "sgpr-30000", largeFile, test, "sgpr", "--inducing", "kmeans:500", "--train-inducing", "false",
            "--iterations", sgprIterations.ToString(CultureInfo.InvariantCulture));
        var (peak, faultsAfter) = ChildUsage.Read();
        Console.WriteLine($"SGPR process [{Word2VecBrownWorkload.Load()}]: peak resident memory {peak:F0} MiB, {faultsAfter - faultsBefore:N0} minor page faults");
        var exact = Train(latent, folder, "gpr-subset", subset, test, "gpr");
        Console.WriteLine($"| model | training points | whole process | test RMSE | test NLPD |");
        Console.WriteLine($"|---|---|---|---|---|");
        Console.WriteLine($"| SGPR, M = 500 fixed k-means inputs, {sgprIterations} L-BFGS iterations at most | {LargeCount:N0} | {sgpr.Seconds:F1} s (target < {TargetSgprSeconds} s) | {sgpr.Rmse:F4} | {sgpr.Nlpd:F4} |");
        Console.WriteLine($"| exact GPR on the first 2,000 of them | {SmallCount:N0} | {exact.Seconds:F1} s | {exact.Rmse:F4} | {exact.Nlpd:F4} |");
        Console.WriteLine($"target SGPR whole process < {TargetSgprSeconds} s: {(sgpr.Seconds < TargetSgprSeconds ? "met" : "not met")}");
        Console.WriteLine($"target SGPR more accurate than exact GPR on the subset (RMSE and NLPD both lower): {(sgpr.Nlpd < exact.Nlpd && sgpr.Rmse < exact.Rmse ? "met" : "not met")}");
    }

    /// <summary>Seeded synthetic points: features uniform on [−1.5, 1.5] and the target of <see cref="Description"/>.</summary>
    private static List<double[]> Points(Random random, int count)
    {
        var rows = new List<double[]>(count);
        for (var i = 0; i < count; i++)
        {
            var x = Enumerable.Range(0, Features).Select(_ => 3 * random.NextDouble() - 1.5).ToArray();
            var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var y = Math.Sin(2 * x[0]) + 0.5 * x[1] * x[1] - x[2] + 0.3 * Math.Sin(3 * x[3]) + 0.1 * x[4] * x[5] + 0.1 * noise;
            rows.Add([.. x, y]);
        }
        return rows;
    }

    private static string WriteCsv(string path, IReadOnlyList<double[]> rows)
    {
        var text = new StringBuilder(string.Join(",", Enumerable.Range(0, Features).Select(d => $"x{d}").Append("y"))).AppendLine();
        foreach (var row in rows) text.AppendLine(string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Runs `latent gp train` (ARD Matérn-5/2 + White, targets standardised like normalize_y) and reads its metrics.json.</summary>
    private static (double Seconds, double Rmse, double Nlpd) Train(string latent, string folder, string name, string train, string test, string model, params string[] extra)
    {
        var output = Path.Combine(folder, name);
        string[] arguments = ["gp", "train", "--data", train, "--test-data", test, "--model", model, "--kernel", "matern52+white", "--ard", "--standardize",
            "--no-tensorboard", "--out", output, .. extra];
        var clock = Stopwatch.StartNew();
        var (code, text) = GensimWord2Vec.RunProcess(latent, arguments);
        var seconds = clock.Elapsed.TotalSeconds;
        if (code != 0) throw new LatentException($"latent gp train --model {model} failed (exit {code}): {text.Trim().Split('\n')[^1]}");
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!;
        return (seconds, metrics["test_rmse"]!.GetValue<double>(), metrics["test_nlpd"]!.GetValue<double>());
    }

    /// <summary>The built `latent` executable: <paramref name="given"/>, or the Release (then Debug) build of src/Latent.Cli in this repository.</summary>
    private static string FindLatent(string? given)
    {
        if (given is not null) return File.Exists(given) ? given : throw new LatentException($"{given}: no such executable");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Latent.slnx"))) continue;
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var candidate = Path.Combine(dir.FullName, "src", "Latent.Cli", "bin", configuration, "net10.0", "linux-x64", "latent");
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new LatentException("no built latent executable found (dotnet build src/Latent.Cli -c Release, or give --latent PATH)");
    }

    /// <summary>/usr/bin/python3 when it imports scikit-learn (its version in <paramref name="version"/>), else null with the reason.</summary>
    private static string? Sklearn(out string version, out string why)
    {
        version = why = "";
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            why = $"{python} not found";
            return null;
        }
        var (code, text) = GensimWord2Vec.RunProcess(python, ["-c", "import sklearn; print(sklearn.__version__)"]);
        if (code != 0)
        {
            why = $"{python} cannot import sklearn (install Debian's python3-sklearn to compare)";
            return null;
        }
        version = text.Trim();
        return python;
    }

    /// <summary>
    /// scikit-learn's GaussianProcessRegressor with ConstantKernel × Matérn(ν = 5/2, one lengthscale per feature) + WhiteKernel,
    /// normalize_y and one L-BFGS-B start, in a child process: the seconds of fit alone, and test RMSE and NLPD (the predictive
    /// standard deviation includes the white noise, as Latent's predict_y does).
    /// </summary>
    private static (double Seconds, double Rmse, double Nlpd) SklearnFit(string python, string train, string test)
    {
        const string script = """
            import sys, time, numpy as np
            from sklearn.gaussian_process import GaussianProcessRegressor
            from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
            train = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1); test = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
            X, y, Xs, ys = train[:, :-1], train[:, -1], test[:, :-1], test[:, -1]
            kernel = ConstantKernel(1.0) * Matern(length_scale=np.ones(X.shape[1]), nu=2.5) + WhiteKernel(0.1)
            model = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=0, random_state=0)
            start = time.perf_counter(); model.fit(X, y); seconds = time.perf_counter() - start
            mean, sd = model.predict(Xs, return_std=True)
            nlpd = np.mean(0.5 * np.log(2 * np.pi * sd ** 2) + (ys - mean) ** 2 / (2 * sd ** 2))
            print("result", seconds, np.sqrt(np.mean((ys - mean) ** 2)), nlpd)
            """;
        var (code, text) = GensimWord2Vec.RunProcess(python, ["-c", script, train, test]);
        if (code != 0) throw new LatentException($"scikit-learn failed (exit {code}): {text.Trim().Split('\n')[^1]}");
        // The child's warnings (such as scikit-learn's ConvergenceWarning) share the output, so the figures are found by their label.
        var line = text.Split('\n').LastOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal))
            ?? throw new LatentException($"scikit-learn printed no result: {text.Trim().Split('\n')[^1]}");
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (values[0], values[1], values[2]);
    }
}
