using Latent.Reporting;

namespace Latent.Text;

/// <summary>Figures of a language model's training run.</summary>
public static class LanguageModelFigures
{
    /// <summary>Training perplexity (exp of each epoch's mean chunk loss) and validation perplexity by epoch, on a log scale.</summary>
    public static LineChart Perplexity(LearningCurve curve)
    {
        var chart = new LineChart("Perplexity by epoch", "epoch", "perplexity") { LogY = true, IntegerX = true };
        chart.Add("train (exp of mean chunk loss)", curve.Epochs.Select(p => p.Epoch).ToList(), curve.Epochs.Select(p => Math.Exp(p.Value)).ToList());
        return chart.Add("validation", curve.Evaluations.Select(p => p.Epoch).ToList(), curve.Evaluations.Select(p => p.Value).ToList());
    }
}
