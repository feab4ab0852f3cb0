using System.Collections.Immutable;

namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// Element-wise equality for the immutable arrays inside our records. <see cref="ImmutableArray{T}"/>
/// compares by reference, so without this a record that crossed the wire never equals the original,
/// and every lease renewal would look like a change.
/// </summary>
internal static class ImmutableArrayEquality
{
    public static bool Equal<T>(ImmutableArray<T> left, ImmutableArray<T> right) =>
        left.IsDefaultOrEmpty ? right.IsDefaultOrEmpty : !right.IsDefault && left.SequenceEqual(right);

    public static int Hash<T>(ImmutableArray<T> items)
    {
        var hash = new HashCode();
        if (!items.IsDefault)
        {
            foreach (var item in items)
            {
                hash.Add(item);
            }
        }

        return hash.ToHashCode();
    }
}
