using Latent.Text;

namespace Latent.Bench;

/// <summary>
/// The baseline for word2vec-brown: the same skip-gram negative-sampling algorithm written the straightforward way —
/// one thread, scalar loops over unpadded rows, exact sigmoid, noise words by binary search in a cumulative table (as gensim).
/// </summary>
internal sealed class ScalarSkipGram
{
    private readonly Word2VecOptions settings;
    private readonly int vocabularySize;
    private readonly double[] cumulative;
    private readonly double[] keep;

    public ScalarSkipGram(Vocabulary vocabulary, Word2VecOptions settings)
    {
        this.settings = settings;
        vocabularySize = vocabulary.Count;
        long total = vocabulary.TotalCount;
        keep = vocabulary.Counts.Select(c => FrequentWordSubsampler.KeepProbability(c, total, settings.Sample)).ToArray();
        cumulative = new double[vocabularySize];
        double sum = 0;
        for (int i = 0; i < vocabularySize; i++) cumulative[i] = sum += Math.Pow(vocabulary.Counts[i], 0.75);
        for (int i = 0; i < vocabularySize; i++) cumulative[i] /= sum;
        Input = new float[vocabularySize * settings.Dimensions];
        Output = new float[vocabularySize * settings.Dimensions];
        var random = new Random((int)settings.Seed + 1);
        for (int i = 0; i < Input.Length; i++) Input[i] = (float)((random.NextDouble() - 0.5) / settings.Dimensions);
    }

    public float[] Input { get; }

    public float[] Output { get; }

    public void Train(int[] corpus)
    {
        int d = settings.Dimensions;
        var random = new Random((int)settings.Seed + 2);
        var gradient = new float[d];
        long total = (long)settings.Epochs * corpus.Length, done = 0;
        var sentence = new List<int>();
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            for (int start = 0; start < corpus.Length; start += settings.MaxSentenceLength)
            {
                int end = Math.Min(corpus.Length, start + settings.MaxSentenceLength);
                float alpha = (float)Math.Max(settings.Alpha * (1 - done / (double)total), settings.Alpha * 1e-4);
                done += end - start;
                sentence.Clear();
                for (int i = start; i < end; i++)
                {
                    if (keep[corpus[i]] >= random.NextDouble()) sentence.Add(corpus[i]);
                }
                for (int p = 0; p < sentence.Count; p++)
                {
                    int window = settings.Window - random.Next(settings.Window);
                    for (int c = Math.Max(0, p - window); c <= Math.Min(sentence.Count - 1, p + window); c++)
                    {
                        if (c == p) continue;
                        int l1 = sentence[c] * d;
                        Array.Clear(gradient);
                        for (int k = 0; k <= settings.Negative; k++)
                        {
                            int target = k == 0 ? sentence[p] : Noise(random);
                            if (k > 0 && target == sentence[p]) continue;
                            int l2 = target * d;
                            double f = 0;
                            for (int i = 0; i < d; i++) f += Input[l1 + i] * Output[l2 + i];
                            float g = (float)(((k == 0 ? 1 : 0) - 1 / (1 + Math.Exp(-f))) * alpha);
                            for (int i = 0; i < d; i++) gradient[i] += g * Output[l2 + i];
                            for (int i = 0; i < d; i++) Output[l2 + i] += g * Input[l1 + i];
                        }
                        for (int i = 0; i < d; i++) Input[l1 + i] += gradient[i];
                    }
                }
            }
        }
    }

    private int Noise(Random random)
    {
        int i = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(i < 0 ? ~i : i, vocabularySize - 1);
    }
}
