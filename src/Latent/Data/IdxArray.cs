namespace Latent.Data;

/// <summary>The contents of one IDX file: its dimensions and its unsigned-byte payload in row-major order.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Values)
{
    /// <summary>The number of items along the first dimension (images or labels).</summary>
    public int Count => Dimensions[0];

    /// <summary>The number of values in one item (28*28 for an MNIST image, 1 for a label).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
}
