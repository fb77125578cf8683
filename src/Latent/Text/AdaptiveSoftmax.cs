using TorchSharp.Modules;

namespace Latent.Text;

/// <summary>
/// The adaptive softmax of Grave et al. (2017), laid out as PyTorch's <c>nn.AdaptiveLogSoftmaxWithLoss</c> (div_value 4, no head bias) so its
/// state dict loads there: the vocabulary, sorted by frequency, is cut at <see cref="Cutoffs"/> into a head shortlist and tail clusters. The head
/// (head.weight [shortlist + clusters, H]) scores the shortlist words and one token per cluster; cluster i scores its words through a projection
/// to H / 4^(i+1) (tail.i.0.weight) and an output matrix (tail.i.1.weight). log p(w) is the head's log-probability of w, or of w's cluster plus
/// w's log-probability within the cluster: a normalised distribution over the whole vocabulary, so perplexity from it is exact. Training
/// computes a rare cluster only for the tokens that fall in it, which is where the speed comes from. TorchSharp has no such module.
/// </summary>
internal sealed class AdaptiveSoftmax : nn.Module<Tensor, Tensor>
{
    private const double DivValue = 4.0;

    private readonly Linear head;
    private readonly ModuleList<Sequential> tail;

    /// <summary>Creates the layers with PyTorch's default initialisation (from the global generator) for <paramref name="cutoffs"/> (see <see cref="LanguageModelOptions.CutoffsFor"/>).</summary>
    public AdaptiveSoftmax(int vocabularySize, int hiddenSize, IReadOnlyList<int> cutoffs, Device device) : base("projection")
    {
        Cutoffs = [.. cutoffs];
        VocabularySize = vocabularySize;
        head = nn.Linear(hiddenSize, Cutoffs[0] + Cutoffs.Length, hasBias: false, device: device);
        tail = new ModuleList<Sequential>();
        for (int i = 0; i < Cutoffs.Length; i++)
        {
            long projected = (long)(hiddenSize / Math.Pow(DivValue, i + 1));
            tail.Add(nn.Sequential(nn.Linear(hiddenSize, projected, hasBias: false, device: device), nn.Linear(projected, ClusterEnd(i) - Cutoffs[i], hasBias: false, device: device)));
        }
        RegisterComponents();
    }

    /// <summary>The first word index of each tail cluster; the head shortlist is [0, Cutoffs[0]).</summary>
    public int[] Cutoffs { get; }

    /// <summary>Number of words scored.</summary>
    public int VocabularySize { get; }

    /// <summary>log p(w | h) for every word w: [..., V] for top-layer outputs [..., H] (normalised: their softmax is the distribution itself).</summary>
    public override Tensor forward(Tensor hidden)
    {
        var flat = hidden.reshape(-1, hidden.shape[^1]);
        var headLogProbabilities = nn.functional.log_softmax(head.forward(flat), -1);
        var parts = new List<Tensor> { headLogProbabilities.narrow(1, 0, Cutoffs[0]) };
        for (int i = 0; i < Cutoffs.Length; i++)
            parts.Add(nn.functional.log_softmax(tail[i].forward(flat), -1) + headLogProbabilities.narrow(1, Cutoffs[0] + i, 1));
        return cat(parts, 1).view([.. hidden.shape.SkipLast(1), VocabularySize]);
    }

    /// <summary>Mean −log p(target | h) over <paramref name="targets"/> [...] for top-layer outputs <paramref name="hidden"/> [..., H], computing each cluster only for its targets.</summary>
    public Tensor CrossEntropy(Tensor hidden, Tensor targets)
    {
        var flat = hidden.reshape(-1, hidden.shape[^1]);
        var words = targets.reshape(-1);
        var headTargets = words.clone();
        var clusterRows = new Tensor[Cutoffs.Length];
        for (int i = 0; i < Cutoffs.Length; i++)
        {
            var inCluster = words.ge(Cutoffs[i]).logical_and_(words.lt(ClusterEnd(i)));
            headTargets.masked_fill_(inCluster, Cutoffs[0] + i);
            clusterRows[i] = inCluster.nonzero().squeeze(1);
        }
        var logProbability = nn.functional.log_softmax(head.forward(flat), -1).gather(1, headTargets.unsqueeze(1)).squeeze(1);
        for (int i = 0; i < Cutoffs.Length; i++)
        {
            if (clusterRows[i].numel() == 0) continue;
            var within = nn.functional.log_softmax(tail[i].forward(flat.index_select(0, clusterRows[i])), -1)
                .gather(1, (words.index_select(0, clusterRows[i]) - Cutoffs[i]).unsqueeze(1)).squeeze(1);
            logProbability = logProbability.index_add(0, clusterRows[i], within, 1);
        }
        return logProbability.neg().mean();
    }

    private long ClusterEnd(int cluster) => cluster + 1 < Cutoffs.Length ? Cutoffs[cluster + 1] : VocabularySize;
}
