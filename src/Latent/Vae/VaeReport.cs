using System.Globalization;
using Latent.Reporting;

namespace Latent.Vae;

/// <summary>Writes the report of a trained or evaluated <see cref="VaeModel"/>: its figures, learning curves (when trained) and test figures.</summary>
public static class VaeReport
{
    /// <summary>
    /// Writes report.md/html with <paramref name="metrics"/>, the figures that fit the data (<see cref="VaeFigures.WriteAll"/>) and, when
    /// <paramref name="curve"/> is given, curve.csv and curves.png into <paramref name="directory"/>; returns every path written.
    /// <paramref name="stop"/> is checked before each figure (<see cref="PhaseInterruptedException"/>, keeping the figures written).
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, VaeModel model, VaeMetrics metrics, DataPart test, LearningCurve? curve, long seed, CancellationToken stop = default)
    {
        var report = new ReportDocument(directory, $"Latent: VAE {model}");
        var written = new List<string>();
        var iwae = metrics.Iwae is { } estimate ? FormattableString.Invariant($"{estimate.LogLikelihood:F2} ± {estimate.StandardError:F2}") : "—";
        report.Table(["test examples", "test −ELBO (nats)", $"IWAE log p(x) (k={metrics.IwaeSamples}, {metrics.IwaeExamples} examples)", "active units", "KL weight β (warm-up epochs)"],
            [[metrics.Examples.ToString(CultureInfo.InvariantCulture), metrics.TestNegativeElbo.ToString("F2", CultureInfo.InvariantCulture), iwae,
              $"{metrics.ActiveUnits} of {model.Options.Latent}", FormattableString.Invariant($"{metrics.KlWeight:G3} ({metrics.KlWarmupEpochs})")]]);
        report.Paragraph("A latent unit is active when its posterior mean varies across test examples (variance above 0.01, Burda et al. 2016); an inactive one " +
            "carries no information about x: the posterior collapsed onto the prior there. A KL warm-up or a smaller β keeps more units active.");
        if (metrics.Iwae is { } iwaeEstimate)
            report.Paragraph(FormattableString.Invariant($"The IWAE figure is given ± its standard error over the {iwaeEstimate.Examples} test examples (a smaller subset widens it by √(examples ratio)); ") +
                FormattableString.Invariant($"from the first k = {iwaeEstimate.FewerSamples} of the same draws it is {iwaeEstimate.LogLikelihoodWithFewerSamples:F2}, so ten times fewer samples would move it by ") +
                FormattableString.Invariant($"{iwaeEstimate.LogLikelihood - iwaeEstimate.LogLikelihoodWithFewerSamples:F2} nats (the estimate rises towards log p(x) as k grows)."));
        report.Paragraph("Nats per example in the data's original units (a standardisation is undone with its Jacobian)." + (model.IsImage
            ? " Published on MNIST: 784-400-20 Bernoulli VAE, Adam 1e-3, batch 128, 10 epochs: ≈104 nats test loss (pytorch/examples); dynamically binarized, k = 5000: VAE −86.76, IWAE (k = 50) −84.78 (Burda et al. 2016)."
            : ""));
        if (curve is not null)
        {
            var csv = Path.Combine(directory, "curve.csv");
            curve.WriteCsv(csv);
            var chart = new LineChart("training loss and test −ELBO", "epoch", "nats per example") { IntegerX = true }
                .Add("batch loss", curve.Steps.Select(p => p.Epoch).ToList(), curve.Steps.Select(p => p.Value).ToList())
                .Add("test −ELBO", curve.Evaluations.Select(p => p.Epoch).ToList(), curve.Evaluations.Select(p => p.Value).ToList());
            written.Add(csv);
            written.Add(chart.SavePng(Path.Combine(directory, "curves.png")));
            report.Image(written[^1], "Training loss per step; test −ELBO after each epoch.");
        }
        IReadOnlyList<(string Path, string Caption)> figures;
        try
        {
            figures = VaeFigures.WriteAll(directory, model, test, seed, stop);
        }
        catch (PhaseInterruptedException e)
        {
            throw e.After(written);
        }
        foreach (var (path, caption) in figures)
        {
            written.Add(path);
            report.Image(path, caption);
        }
        var (markdown, html) = report.Save();
        written.Add(markdown);
        written.Add(html);
        return written;
    }
}
