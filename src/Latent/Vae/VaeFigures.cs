using System.Globalization;
using System.Text;
using Latent.Reporting;

namespace Latent.Vae;

/// <summary>
/// The pictures of a trained <see cref="VaeModel"/> that fit its data: for images, grids of reconstructions, prior samples and
/// (2-D latent) the decoded manifold, and for a conditional model a grid of samples with one row per class; for vectors, the per-feature
/// reconstruction error; for both, the latent means coloured by label. Images with several channels are drawn as their channel mean (grey).
/// </summary>
public static class VaeFigures
{
    /// <summary>
    /// Writes the figures that fit the model's data for <paramref name="test"/> into <paramref name="directory"/>; returns (path, caption) pairs.
    /// <paramref name="stop"/> is checked before each figure (<see cref="PhaseInterruptedException"/>, keeping those written).
    /// </summary>
    public static IReadOnlyList<(string Path, string Caption)> WriteAll(string directory, VaeModel model, DataPart test, long seed, CancellationToken stop = default)
    {
        var written = new List<(string Path, string Caption)>();
        void Check()
        {
            if (stop.IsCancellationRequested) throw new PhaseInterruptedException("the report figures", [.. written.Select(figure => figure.Path)]);
        }
        if (model.IsImage)
        {
            Check();
            if (test.Count >= 10)
                written.Add((Reconstructions(Path.Combine(directory, "reconstructions.png"), model, test.Features, labels: model.IsConditional ? test.Labels : null), "Test examples (rows 1, 3, …) above their reconstructions (decoder mean at the encoder mean)."));
            Check();
            written.AddRange(WriteSamples(directory, model, 64, seed));
        }
        else
        {
            Check();
            written.Add((ReconstructionError(model, test).SavePng(Path.Combine(directory, "reconstruction-error.png")), $"Mean squared reconstruction error of each feature on the test data{(model.Standardization is null ? "" : " (standardised units)")}."));
        }
        Check();
        if (model.Options.Latent >= 2 && test.Count > 0)
            written.Add((LatentMeans("test-set posterior means", model, test).SavePng(Path.Combine(directory, "latent-means.png")),
                $"Posterior means of the test examples{(model.Options.Latent > 2 ? " (first two latent dimensions)" : "")}{(test.Labels is null ? "" : ", coloured by label")}."));
        return written;
    }

    /// <summary>
    /// Prior samples: for images samples.png (one row per class for a conditional model; and manifold.png for a 2-D latent), for vectors
    /// samples.csv in the data's original units (with a class column for a conditional model, the classes taken in turn).
    /// </summary>
    public static IReadOnlyList<(string Path, string Caption)> WriteSamples(string directory, VaeModel model, int count, long seed)
    {
        if (!model.IsImage)
        {
            using var samples = model.SampleInDataUnits(count, seed).to(ScalarType.Float64);
            var header = Enumerable.Range(0, model.InputSize).Select(i => $"x{i}");
            var text = new StringBuilder(string.Join(",", model.IsConditional ? header.Prepend("class") : header)).AppendLine();
            using var host = samples.cpu();
            var values = host.data<double>().ToArray();
            for (int row = 0; row < count; row++)
            {
                var features = values.Skip(row * model.InputSize).Take(model.InputSize).Select(v => v.ToString("R", CultureInfo.InvariantCulture));
                text.AppendLine(string.Join(",", model.IsConditional ? features.Prepend(model.ClassNames[row % model.ClassCount]) : features));
            }
            var csv = Path.Combine(directory, "samples.csv");
            AtomicFile.WriteText(csv, text.ToString());
            return [(csv, "Decoder means of codes drawn from the prior N(0, I).")];
        }
        var written = new List<(string, string)>();
        if (model.IsConditional)
            written.Add((ClassSamples(Path.Combine(directory, "samples.png"), model, seed, Math.Max(1, (count + model.ClassCount - 1) / model.ClassCount)), ClassCaption(model)));
        else
            written.Add((PriorSamples(Path.Combine(directory, "samples.png"), model, seed, count), "Decoder means of codes drawn from the prior N(0, I)."));
        if (model.Options.Latent == 2)
            written.Add((Manifold(Path.Combine(directory, "manifold.png"), model), "The decoded 2-D manifold: decoder means on a grid of z at the prior's 5%..95% quantiles."));
        return written;
    }

    /// <summary>
    /// `vae sample`'s output: a .npy or .png <paramref name="target"/> gets <see cref="WriteSampleFile"/>; any other target is a folder
    /// (created) that gets <see cref="WriteSamples"/>, where <paramref name="classIndex"/> is refused. Returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> WriteSampleOutput(string target, VaeModel model, int count, int? classIndex, long seed)
    {
        if (Path.GetExtension(target).ToLowerInvariant() is ".npy" or ".png")
        {
            if (Path.GetDirectoryName(Path.GetFullPath(target)) is { } parent) Directory.CreateDirectory(parent);
            return [WriteSampleFile(target, model, count, classIndex, seed)];
        }
        if (classIndex is not null) throw new LatentException("--class needs --out FILE.npy or FILE.png");
        if (File.Exists(target)) throw new LatentException($"--out: '{target}' is a file, not a folder, .npy or .png");
        Directory.CreateDirectory(target);
        return WriteSamples(target, model, count, seed).Select(written => written.Path).ToList();
    }

    /// <summary>
    /// Writes <paramref name="count"/> prior samples (decoder means) to <paramref name="path"/>: a .npy array [count, …example shape] in the data's
    /// own units, or for images a .png grid (for a conditional model without <paramref name="classIndex"/>: one row per class of
    /// ⌈count / classes⌉ samples). A conditional model samples class <paramref name="classIndex"/>, or the classes in turn when it is null. Returns the path.
    /// </summary>
    public static string WriteSampleFile(string path, VaeModel model, int count, int? classIndex, long seed)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".npy" or ".png")) throw new LatentException($"{path}: samples are written as .npy or .png, not '{extension}'");
        if (extension == ".npy")
        {
            using var samples = model.SampleInDataUnits(count, seed, classIndex);
            return NpyWriter.Write(path, samples);
        }
        if (!model.IsImage) throw new LatentException($"{path}: a .png grid needs a model of images [C, H, W], this one has examples of shape [{string.Join(", ", model.ExampleShape)}]; write .npy");
        if (model.IsConditional && classIndex is null) return ClassSamples(path, model, seed, Math.Max(1, (count + model.ClassCount - 1) / model.ClassCount));
        using var scope = NewDisposeScope();
        return Grid(path, model, model.Sample(count, seed, classIndex), Math.Min(count, 8));
    }

    /// <summary>For a conditional model: <paramref name="perClass"/> prior samples of each class, one row per class in class order; returns the path.</summary>
    public static string ClassSamples(string path, VaeModel model, long seed, int perClass = 10)
    {
        if (!model.IsConditional) throw new LatentException("samples by class need a conditional VAE");
        using var scope = NewDisposeScope();
        var rows = Enumerable.Range(0, model.ClassCount).Select(k => model.Sample(perClass, seed, k)).ToList();
        return Grid(path, model, cat(rows, 0), perClass);
    }

    /// <summary>The caption of <see cref="ClassSamples"/>'s grid, naming the class of each row.</summary>
    public static string ClassCaption(VaeModel model) =>
        $"Decoder means of codes drawn from the prior N(0, I), decoded with one row per class ({string.Join(", ", model.ClassNames)}, top to bottom).";

    /// <summary>Rows of 10 originals, each above a row of their reconstructions, for the first <paramref name="count"/> (at least 10) images; returns the path.</summary>
    /// <remarks>A conditional model reads the <paramref name="labels"/> of the images.</remarks>
    public static string Reconstructions(string path, VaeModel model, Tensor images, int count = 40, Tensor? labels = null)
    {
        const int perRow = 10;
        if (images.shape[0] < perRow) throw new LatentException($"a reconstruction grid needs at least {perRow} images, got {images.shape[0]}");
        using var scope = NewDisposeScope();
        long used = Math.Min(count, images.shape[0]) / perRow * perRow;
        var originals = images.narrow(0, 0, used);
        var reconstructions = model.Reconstruct(originals, labels?.narrow(0, 0, used));
        var paired = stack([Flat(originals).view(-1, perRow, model.InputSize), Flat(reconstructions).cpu().view(-1, perRow, model.InputSize)], 1);
        return Grid(path, model, paired.reshape([-1, .. model.ExampleShape]), perRow);
    }

    /// <summary>Decoder means of <paramref name="count"/> codes drawn from the prior; returns the path.</summary>
    public static string PriorSamples(string path, VaeModel model, long seed, int count = 64)
    {
        using var scope = NewDisposeScope();
        return Grid(path, model, model.Sample(count, seed), 8);
    }

    /// <summary>
    /// For a 2-D latent: decoder means on a <paramref name="steps"/> × <paramref name="steps"/> grid of z at the prior's quantiles
    /// 0.05..0.95 (z = sqrt(2) erfinv(2p − 1)), as in Kingma and Welling (2014), figure 4 (a conditional model decodes them for its first class); returns the path.
    /// </summary>
    public static string Manifold(string path, VaeModel model, int steps = 15)
    {
        if (model.Options.Latent != 2) throw new LatentException($"the decoded manifold needs a 2-D latent, this model has {model.Options.Latent}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var quantiles = linspace(0.05, 0.95, steps, dtype: ScalarType.Float64, device: model.Device);
        var z1d = (Math.Sqrt(2) * special.erfinv(2 * quantiles - 1)).to(ScalarType.Float32);
        var grid = stack([z1d.repeat(steps), z1d.flip(0).repeat_interleave(steps)], 1);
        using var labels = model.IsConditional ? zeros([steps * steps], int64, model.Device) : null;
        return Grid(path, model, model.Network.Decode(grid, labels).Mean, steps);
    }

    /// <summary>A scatter of the first two posterior-mean coordinates of <paramref name="part"/>, coloured by label (one colour when unlabelled).</summary>
    public static LabelScatterChart LatentMeans(string title, VaeModel model, DataPart part)
    {
        if (model.Options.Latent < 2) throw new LatentException($"the latent scatter needs at least 2 latent dimensions, this model has {model.Options.Latent}");
        using var scope = NewDisposeScope();
        var means = model.Encode(part.Features, model.IsConditional ? part.Labels : null).to(ScalarType.Float64).cpu();
        var labels = part.Labels?.data<long>().ToArray() ?? new long[part.Count];
        return new LabelScatterChart(title, means.select(1, 0).data<double>().ToArray(), means.select(1, 1).data<double>().ToArray(), labels);
    }

    /// <summary>The mean squared reconstruction error of each feature over <paramref name="part"/>.</summary>
    public static LineChart ReconstructionError(VaeModel model, DataPart part)
    {
        using var error = model.ReconstructionErrorPerFeature(part);
        using var host = error.cpu();
        var values = host.data<double>().ToList();
        return new LineChart("reconstruction error per feature", "feature", "mean squared error")
            .Add("test", Enumerable.Range(0, values.Count).Select(i => (double)i).ToList(), values);
    }

    private static Tensor Flat(Tensor x) => x.reshape(x.shape[0], -1);

    private static Tensor Original(VaeModel model, Tensor features) => model.Standardization?.Invert(features) ?? features;

    /// <summary>Images [N, C, H, W] (channel mean drawn in grey, clamped to [0, 1]) as a PNG grid.</summary>
    private static string Grid(string path, VaeModel model, Tensor images, int columns)
    {
        using var scope = NewDisposeScope();
        var grey = Original(model, images).mean([1L]).clamp(0, 1).to(ScalarType.Float32).cpu().contiguous();
        return ImageGrid.SavePng(path, grey.data<float>().ToArray(), (int)grey.shape[0], (int)grey.shape[1], (int)grey.shape[2], columns);
    }
}
