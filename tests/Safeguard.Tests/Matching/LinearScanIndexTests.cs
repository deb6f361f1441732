// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;
using Safeguard.Matching;

namespace Safeguard.Tests.Matching;

public class LinearScanIndexTests
{
    [Fact]
    public void Search_ReturnsWithinRadius_SortedByDistanceThenId()
    {
        var index = new LinearScanIndex();
        var q = Hash256.Zero;
        index.Add(q.WithBit(1, true).WithBit(2, true), 7);
        index.Add(q.WithBit(1, true), 9);
        index.Add(q.WithBit(5, true), 3);
        index.Add(q.WithBit(1, true).WithBit(2, true).WithBit(3, true), 1);
        var found = index.Search(q, 2);
        Assert.Equal([new IndexMatch(3, 1), new IndexMatch(9, 1), new IndexMatch(7, 2)], found);
        Assert.True(index.Remove(9));
        Assert.False(index.Remove(9));
        Assert.Equal(2, index.Search(q, 2).Count);
    }
}
