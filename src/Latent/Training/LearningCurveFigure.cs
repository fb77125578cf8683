using Latent.Reporting;

namespace Latent.Training;

/// <summary>A learning curve as a figure: batch and epoch-mean training loss beside the evaluations, by epoch.</summary>
public static class LearningCurveFigure
{
    /// <summary>Saves the two panels to <paramref name="path"/> and returns it.</summary>
    public static string SavePng(string path, LearningCurve curve, string lossName, string evaluationName) => Figure.SavePng(path, new IChart[]
    {
        new LineChart("training loss", "epoch", lossName) { IntegerX = true }.Add("batch loss", curve.Steps.Select(p => p.Epoch).ToList(), curve.Steps.Select(p => p.Value).ToList())
            .Add("epoch mean", curve.Epochs.Select(p => p.Epoch).ToList(), curve.Epochs.Select(p => p.Value).ToList()),
        new LineChart(evaluationName, "epoch", evaluationName) { IntegerX = true }.Add("test", curve.Evaluations.Select(p => p.Epoch).ToList(), curve.Evaluations.Select(p => p.Value).ToList()),
    }, 2);
}
