namespace Latent.Data;

/// <summary>
/// One NumPy array read from a .npy file or an .npz member: its shape, its numeric dtype and its raw bytes (C or Fortran order,
/// either byte order), converted on request to float32 features or int64 labels.
/// </summary>
public sealed class NpyArray
{
    private readonly byte[] data;

    internal NpyArray(string description, NpyType type, long[] shape, bool fortranOrder, byte[] data)
    {
        Description = description;
        Type = type;
        Shape = shape;
        FortranOrder = fortranOrder;
        this.data = data;
    }

    /// <summary>Names the array in messages: "FILE" for a .npy file, "FILE: member NAME" for an .npz member.</summary>
    public string Description { get; }

    /// <summary>The element type.</summary>
    public NpyType Type { get; }

    /// <summary>The array's shape as written in its header.</summary>
    public long[] Shape { get; }

    /// <summary>True when the elements are stored in Fortran (column-major) order.</summary>
    public bool FortranOrder { get; }

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// The values as a float32 tensor of <see cref="Shape"/> (C order): uint8 scaled by 1/255 to [0, 1], float32 and float64 as they are.
    /// Other dtypes, and NaN or infinite values, are refused in one line.
    /// </summary>
    public Tensor ToFeatures()
    {
        var values = new float[Count];
        if (Type.Kind == 'u' && Type.Size == 1)
        {
            for (int i = 0; i < values.Length; i++) values[i] = data[i] / 255f;
            return FeatureTensor(values);
        }
        if (Type.Kind != 'f')
            throw new LatentException($"{Description} has dtype {Type}; features must be uint8, float32 or float64");
        for (long i = 0; i < values.Length; i++)
        {
            var value = (float)Type.ReadFloat(data.AsSpan((int)(i * Type.Size), Type.Size));
            if (!float.IsFinite(value))
                throw new LatentException($"{Description} holds a NaN or infinite value (example {ExampleOf(i)}){(Type.Size == 8 ? " after conversion to float32" : "")}");
            values[i] = value;
        }
        return FeatureTensor(values);
    }

    /// <summary>
    /// The values as class labels: shape [N] or [N, 1], any integer dtype, or a float dtype holding whole numbers; negative or
    /// fractional labels are refused in one line naming the example.
    /// </summary>
    public long[] ToLabels()
    {
        if (!(Shape.Length == 1 || Shape.Length == 2 && Shape[1] == 1))
            throw new LatentException($"{Description}: labels must have shape [N] or [N, 1], got [{string.Join(", ", Shape)}]");
        var labels = new long[Count];
        for (int i = 0; i < labels.Length; i++)
        {
            var bytes = data.AsSpan(i * Type.Size, Type.Size);
            long label;
            if (Type.Kind == 'f')
            {
                var value = Type.ReadFloat(bytes);
                if (!double.IsFinite(value) || value != Math.Floor(value) || Math.Abs(value) > 1e15)
                    throw new LatentException($"{Description}: label {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} (example {i}) is not an integer");
                label = (long)value;
            }
            else label = Type.ReadInteger(bytes, Description);
            if (label < 0) throw new LatentException($"{Description}: label {label} (example {i}) is negative (labels must be 0, 1, …, C−1)");
            labels[i] = label;
        }
        return labels;
    }

    /// <summary>
    /// The values as real-valued targets, float64 [N, L]: shape [N] (one output) or [N, L], any integer or float dtype; a NaN or
    /// infinite value is refused in one line naming the example.
    /// </summary>
    public Tensor ToTargets()
    {
        if (Shape.Length is not (1 or 2))
            throw new LatentException($"{Description}: targets must have shape [N] or [N, L], got [{string.Join(", ", Shape)}]");
        var values = new double[Count];
        for (int i = 0; i < values.Length; i++)
        {
            var bytes = data.AsSpan(i * Type.Size, Type.Size);
            var value = Type.Kind == 'f' ? Type.ReadFloat(bytes) : Type.ReadInteger(bytes, Description);
            if (!double.IsFinite(value)) throw new LatentException($"{Description}: target {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} (example {ExampleOf(i)}) is not a finite number");
            values[i] = value;
        }
        var shape = Shape.Length == 1 ? new[] { Shape[0], 1L } : Shape;
        if (!FortranOrder || Shape.Length < 2) return tensor(values, shape, dtype: ScalarType.Float64);
        using var reversed = tensor(values, shape.Reverse().ToArray(), dtype: ScalarType.Float64);
        return reversed.t().contiguous();
    }

    private Tensor FeatureTensor(float[] values)
    {
        if (!FortranOrder || Shape.Length < 2) return tensor(values, Shape);
        using var reversed = tensor(values, Shape.Reverse().ToArray());
        return reversed.permute(Enumerable.Range(0, Shape.Length).Reverse().Select(d => (long)d).ToArray()).contiguous();
    }

    private long ExampleOf(long flatIndex)
    {
        if (Shape.Length == 0 || Shape[0] == 0) return 0;
        return FortranOrder ? flatIndex % Shape[0] : flatIndex / (Count / Shape[0]);
    }
}
