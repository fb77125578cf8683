using Latent.Reporting;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>The pictures of a trained VAE: reconstructions, prior samples, the decoded 2-D manifold and the latent-mean scatter.</summary>
public static class VaeFigures
{
    /// <summary>Rows of 10 originals, each above a row of their reconstructions, for the first <paramref name="count"/> images of size <paramref name="rows"/> × <paramref name="columns"/>; returns the path.</summary>
    public static string Reconstructions(string path, VariationalAutoencoder model, Tensor images, int rows, int columns, int count = 40)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var originals = images.narrow(0, 0, Math.Min(count, images.shape[0]));
        var rebuilt = model.Reconstruct(originals);
        const int perRow = 10;
        long used = Math.Max(perRow, originals.shape[0] - originals.shape[0] % perRow);
        if (originals.shape[0] < perRow) throw new LatentException($"reconstruction grid needs at least {perRow} images, got {originals.shape[0]}");
        var paired = stack(new[] { originals.narrow(0, 0, used).view(-1, perRow, rows * columns), rebuilt.narrow(0, 0, used).view(-1, perRow, rows * columns) }, 1);
        return Grid(path, paired.reshape(-1, rows * columns), rows, columns, perRow);
    }

    /// <summary>Decoder means of <paramref name="count"/> codes drawn from the prior; returns the path.</summary>
    public static string PriorSamples(string path, VariationalAutoencoder model, int rows, int columns, long seed, int count = 64)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        return Grid(path, model.SamplePrior(count, generator), rows, columns, 8);
    }

    /// <summary>
    /// For a 2-D latent: decoder means on a <paramref name="steps"/> × <paramref name="steps"/> grid of z at the prior's
    /// quantiles 0.05..0.95 (z = sqrt(2) erfinv(2p - 1)), as in Kingma and Welling (2014), figure 4; returns the path.
    /// </summary>
    public static string Manifold(string path, VariationalAutoencoder model, int rows, int columns, int steps = 15)
    {
        if (model.LatentSize != 2) throw new LatentException($"the decoded manifold needs a 2-D latent, this model has {model.LatentSize}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var reference = model.Encoder.parameters().First();
        var quantiles = linspace(0.05, 0.95, steps, dtype: ScalarType.Float64);
        var z1d = (Math.Sqrt(2) * special.erfinv(2 * quantiles - 1)).to(reference.dtype);
        var grid = stack(new[] { z1d.repeat(steps), z1d.flip(0).repeat_interleave(steps) }, 1);
        return Grid(path, model.Decode(grid).Mean, rows, columns, steps);
    }

    /// <summary>A scatter chart of the posterior means of <paramref name="images"/> (2-D latent) coloured by label.</summary>
    public static LabelScatterChart LatentMeans(string title, VariationalAutoencoder model, Tensor images, Tensor labels)
    {
        if (model.LatentSize != 2) throw new LatentException($"the latent scatter needs a 2-D latent, this model has {model.LatentSize}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var means = model.EncodeMeans(images).to(ScalarType.Float64);
        return new LabelScatterChart(title,
            means.select(1, 0).data<double>().ToArray(), means.select(1, 1).data<double>().ToArray(), labels.data<long>().ToArray());
    }

    private static string Grid(string path, Tensor images, int rows, int columns, int gridColumns = 10) =>
        ImageGrid.SavePng(path, images.clamp(0, 1).to(ScalarType.Float32).contiguous().data<float>().ToArray(), (int)images.shape[0], rows, columns, gridColumns);
}
