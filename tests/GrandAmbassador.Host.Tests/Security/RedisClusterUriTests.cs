using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Security;

namespace GrandAmbassador.Host.Tests.Security;

public sealed class RedisClusterUriTests
{
    [Theory]
    [InlineData("redis://ambassador:s3cret@10.0.0.1:6379", "ambassador", "s3cret")]
    [InlineData("redis://:s3cret@10.0.0.1:6379", null, "s3cret")]
    [InlineData("redis://s3cret@10.0.0.1:6379", null, "s3cret")]
    [InlineData("redis://ambassador:p%40ss%3Aword@10.0.0.1:6379", "ambassador", "p@ss:word")]
    [InlineData("redis://10.0.0.1:6379", null, null)]
    public void UserAndPassword_AreReadApart(string url, string? user, string? password)
    {
        var options = RedisClusterUri.ToConfigurationOptions(RedisClusterUri.Parse(url, "--cluster"));

        Assert.Equal(user, options.User);
        Assert.Equal(password, options.Password);
    }

    [Fact]
    public void Rediss_TurnsOnTls_ForTheUrlsHost()
    {
        var options = RedisClusterUri.ToConfigurationOptions(RedisClusterUri.Parse("rediss://redis.lab:6380/2", "--cluster"));

        Assert.True(options.Ssl);
        Assert.Equal("redis.lab", options.SslHost);
        Assert.Equal(2, options.DefaultDatabase);
    }

    [Fact]
    public void RedisCa_WithPlainRedis_IsAnError()
    {
        var error = Assert.ThrowsAny<InvalidSettingException>(() => RedisClusterUri.ToConfigurationOptions(new Uri("redis://h:1"), "ca.pem"));

        Assert.Contains("only for a rediss:// URL", error.Message);
    }

    [Theory]
    [InlineData("http://user:s3cret@h:1")]
    [InlineData("redis://user:s3cret@h")]
    [InlineData("redis://user:s3cret@:1")]
    public void BadUrl_IsOneError_WithoutThePassword(string url)
    {
        var error = Assert.ThrowsAny<InvalidSettingException>(() => ClusterUrlReader.ParseUrl(url));

        Assert.DoesNotContain("s3cret", error.Message);
        Assert.Contains("--cluster", error.Message);
    }

    [Fact]
    public void Display_AndRedact_LeaveNoCredentials()
    {
        Assert.Equal("redis://h:6379", RedisClusterUri.Display(new Uri("redis://u:s3cret@h:6379/1")));
        Assert.Equal("failed on redis://***@h:6379 and rediss://***@g:1", RedisClusterUri.Redact("failed on redis://u:s3cret@h:6379 and rediss://:x@g:1"));
    }

    [Fact]
    public void ClusterFile_HoldsTheUrl_CommentsAndBlankLinesAside()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# the cluster\n\n  redis://u:s3cret@h:6379 \n");

            Assert.Equal("s3cret", RedisClusterUri.SplitUserInfo(ClusterUrlReader.Read(null, new FileInfo(file))!.UserInfo).Password);
            Assert.Contains("give one of them", Assert.ThrowsAny<InvalidSettingException>(() => ClusterUrlReader.Read(new Uri("redis://h:1"), new FileInfo(file))).Message);
            File.WriteAllText(file, "redis://u:s3cret@h\n");
            var error = Assert.ThrowsAny<InvalidSettingException>(() => ClusterUrlReader.Read(null, new FileInfo(file)));
            Assert.DoesNotContain("s3cret", error.Message);
            Assert.Contains($"--cluster-file {file}", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
