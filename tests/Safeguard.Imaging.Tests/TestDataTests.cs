// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Imaging.Tests;

public class TestDataTests
{
    [Fact]
    public void SharedVectors_AreCopiedBesideTheTests()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "pdq", "bridge-mods", "aaa-orig.jpg");
        Assert.True(File.Exists(path), path);
    }
}
