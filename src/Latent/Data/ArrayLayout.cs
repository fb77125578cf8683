namespace Latent.Data;

/// <summary>Maps an array of any shape to the feature layout of a <see cref="Dataset"/>: vectors [N, D] or images [N, C, H, W].</summary>
internal static class ArrayLayout
{
    /// <summary>
    /// [N] → [N, 1]; [N, D] as is; [N, H, W] → [N, 1, H, W]; [N, H, W, C] with C in {1, 3, 4} (channels last, as Keras stores
    /// images) → [N, C, H, W]; [N, C, H, W] with C in {1, 3, 4} as is. Takes ownership of <paramref name="values"/>.
    /// </summary>
    public static Tensor ToFeatures(Tensor values, string description)
    {
        var shape = values.shape;
        switch (shape.Length)
        {
            case 1: return Replace(values, values.unsqueeze(1));
            case 2: return values;
            case 3: return Replace(values, values.unsqueeze(1));
            case 4 when shape[3] is 1 or 3 or 4:
                using (var channelsFirst = values.permute(0, 3, 1, 2)) return Replace(values, channelsFirst.contiguous());
            case 4 when shape[1] is 1 or 3 or 4: return values;
        }
        values.Dispose();
        throw new LatentException(shape.Length == 4
            ? $"{description}: images of shape [{string.Join(", ", shape)}] have neither 1, 3 nor 4 channels in the last (or second) dimension"
            : $"{description}: expected [N, D] vectors or [N, H, W(, C)] images, got shape [{string.Join(", ", shape)}]");
    }

    private static Tensor Replace(Tensor old, Tensor result)
    {
        old.Dispose();
        return result;
    }
}
