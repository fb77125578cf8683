namespace Latent.Data;

/// <summary>Which half of an MNIST-format data set to load.</summary>
public enum MnistSplit
{
    /// <summary>The training files (train-images-idx3-ubyte, train-labels-idx1-ubyte).</summary>
    Train,

    /// <summary>The test files (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte).</summary>
    Test,
}
