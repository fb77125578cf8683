using Latent.Noisy;
using Latent.Reporting;

namespace Latent.Cli.Tour;

/// <summary>The noisy-label chapter: a learned Q kept column-stochastic by softmax or by projection, against the plain classifier, on MNIST.</summary>
public sealed class NoisyChapter : ITourChapter
{
    /// <inheritdoc />
    public string Name => "noisy";

    /// <inheritdoc />
    public string Title => "Noisy labels: does keeping Q stochastic by softmax or by projection work, and what does projection do to Adam?";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        const string noise = NoisyClassifier.DefaultNoise;
        var options = NoisyTrainingOptions.Default with { Architecture = "mlp", Examples = context.Scaled(30_000, 1_000), Epochs = context.Scaled(5, 2), Seed = context.Seed };
        (string Name, NoisyTrainingOptions Options)[] plan =
        [
            ("none", options with { Model = NoiseModel.None }), ("softmax Q", options), ("projected Q", options with { Model = NoiseModel.Project }),
            ("projected Q (Adam)", options with { Model = NoiseModel.Project, TransitionOptimizer = "adam" }),
        ];
        using var mnist = DatasetLoader.EmbeddedMnist();
        var runs = context.Ui.Progress(progress => plan.Select(run =>
        {
            var bar = progress.AddTask(run.Name, maxValue: 1);
            using var model = NoisyClassifier.For(mnist, run.Options);
            return (run.Name, Result: model.Fit(mnist, noise, p => (bar.MaxValue, bar.Value) = (p.TotalSteps, p.Step)));
        }).ToList());
        var accuracy = NoisyFigures.SaveAccuracyPng(context.PathFor("accuracy.png"), runs, $"Clean test accuracy ({noise} noise)");
        var transitions = NoisyFigures.SaveTransitionsPng(context.PathFor("transitions.png"), runs);
        foreach (var path in new[] { NoisyFigures.WriteCsv(context.PathFor("noisy.csv"), runs), accuracy, transitions }) context.Ui.Wrote(path);

        var report = context.Report.Heading(Title);
        report.Paragraph($"Setup: the first {options.Examples} MNIST training images with labels corrupted by `{noise}` noise, the clean 10k test set; an MLP with " +
            $"{options.HiddenUnits} hidden units trained by Adam for {options.Epochs} epochs on {1 - options.ValidationFraction:P0} of them, the other {options.ValidationFraction:P0} " +
            $"(noisy labels) picking the epoch with the lowest −log p(ỹ | x). Noise layer p(ỹ | x) = Q · softmax(f(x)), loss −log p(ỹ | x) + {options.TraceWeightFor(mnist.ClassCount):G3}·tr(Q); " +
            $"Q starts at {1 - options.InitialOffDiagonal} on the diagonal, is held for {options.FrozenEpochs} epoch(s), set after each of them to T estimated from the classifier's predictions (below), then stepped by its own optimizer; the projected Q is replaced " +
            "column by column by its Euclidean projection onto the simplex after each step (Duchi et al. 2008).");
        report.Image(accuracy, "Clean test accuracy of argmax f(x) after every epoch.");
        report.Image(transitions, "True T, the realised noise and each learned Q; columns are the true label, rows the noisy label.");
        report.Table(["model", "selected epoch", "clean accuracy", "max|Q − T|", "max |column sum − 1|", "zeros in Q"], runs.Select(r => (IReadOnlyList<string>)
            [r.Name, $"{r.Result.SelectedEpoch}", $"{r.Result.SelectedAccuracy:G3}", $"{r.Result.Selected.MaxAbsErrorToTrue:G3}", $"{r.Result.Epochs.Max(e => e.MaxColumnSumError):G3}", r.Result.Model == NoiseModel.None ? "—" : $"{r.Result.Transition.Count(v => v == 0)}"]));
        var probes = runs[3].Result.Epochs.Select(e => e.Projection).OfType<ProjectionProbe>().ToList();
        if (probes.Count > 0)
            report.Paragraph($"What the projection does to Adam (measured): each projection moves Q by {probes.Average(p => p.ProjectionToStepRatio):G3}× the length of Adam's own step, " +
                $"at cosine {probes.Average(p => p.StepProjectionCosine):G3} to it, and Adam's first moment keeps {probes.Average(p => p.MomentumOffSimplexShare):G3} of its energy along the " +
                "column-sum direction the constraint forbids: the moments integrate the gradient of the unprojected iterate, so Adam spends its step pushing Q off the simplex and the projection cancels it. " +
                $"Plain SGD has no state to go stale; its projected Q ends {runs[2].Result.Selected.MaxAbsErrorToTrue:G3} from T against {runs[3].Result.Selected.MaxAbsErrorToTrue:G3} with Adam.");
        report.Paragraph($"The softmax Q is valid by construction under any optimizer but its entries only approach 0; the projected Q moves linearly and holds exact zeros. " +
            $"Clean accuracy: {string.Join(", ", runs.Select(r => $"{r.Name} {r.Result.SelectedAccuracy:G3}"))}.");
        RecoverThreeClassT(context, mnist, options, report);
    }

    /// <summary>
    /// Three MNIST digits under pair-flip noise: does each model's Q come out close to the true T? Heat maps of every Q beside T,
    /// and the error of each, with the default options (Q set from the estimated T when its frozen epochs end).
    /// </summary>
    private static void RecoverThreeClassT(ChapterContext context, Dataset mnist, NoisyTrainingOptions tenClass, ReportDocument report)
    {
        const string noise = "pairflip:0.3";
        using var three = mnist.FirstClasses(3);
        var options = tenClass with { Examples = context.Scaled(6_000, 1_000), Epochs = context.Scaled(10, 3) };
        (string Name, NoiseModel Model)[] plan = [("softmax Q", NoiseModel.Softmax), ("projected Q", NoiseModel.Project), ("forward (estimated T)", NoiseModel.Forward)];
        var runs = context.Ui.Progress(progress => plan.Select(run =>
        {
            var bar = progress.AddTask($"3 classes, {run.Name}", maxValue: 1);
            using var model = NoisyClassifier.For(three, options with { Model = run.Model });
            return (run.Name, Result: model.Fit(three, noise, p => (bar.MaxValue, bar.Value) = (p.TotalSteps, p.Step)));
        }).ToList());
        var transitions = NoisyFigures.SaveTransitionsPng(context.PathFor("transitions-3-classes.png"), runs, three.ClassNames);
        foreach (var path in new[] { NoisyFigures.WriteCsv(context.PathFor("noisy-3-classes.csv"), runs), transitions }) context.Ui.Wrote(path);
        report.Paragraph($"Does the learned Q find T? Digits 0, 1 and 2 only (the first {options.Examples} training images of them), labels corrupted by `{noise}` " +
            $"(each digit keeps its label with probability 0.7, else takes the next one), {options.Epochs} epochs. The learned Q is held for " +
            $"{options.FrozenEpochs} epoch(s) and set after each of them to T estimated from the classifier's own predictions so far: " +
            "training images for which the classifier ranks the same two classes highest, in the same order, form a group, each group is named by its majority noisy label (every digit keeps its own label " +
            "more often than it takes any other), and each column of T is the share of each noisy label among the images named that class (the confusion matrix Goldberger and Ben-Reuven 2017 start their noise " +
            "layer from, refitted in turn as in their EM variant; Patrini et al. 2017 read T off single anchor examples instead). Started at the identity, Q stays there: in its frozen epoch the classifier learns the noisy labels, and " +
            "Q = I with a classifier that predicts the noise already maximises the noisy-label likelihood, so nothing pulls Q towards T. Forward correction keeps the estimate, made the same way by a separate first run, fixed.");
        report.Image(transitions, "Three classes: true T, the realised noise and each model's Q; columns are the true label, rows the noisy label.");
        report.Table(["model", "selected epoch", "clean accuracy", "max|Q − T|"], runs.Select(r => (IReadOnlyList<string>)
            [r.Name, $"{r.Result.SelectedEpoch}", $"{r.Result.SelectedAccuracy:G3}", $"{r.Result.Selected.MaxAbsErrorToTrue:G3}"]));
    }
}
